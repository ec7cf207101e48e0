#!/usr/bin/env bash
# A wheel that stands alone: build the wheels of dcmaint and of every plugin under plugins/,
# install them (without extras) into a clean virtual environment outside the checkout, and try
# them there from a directory outside the checkout, as a `pip install dcmaint` user would.
# Called by .ci/run after the test suite; `make wheel-smoke` runs it by hand. Needs PyPI (or its
# mirror) for the build backend and the runtime dependencies; writes nothing into the checkout
# but the compiled catalogues the build hook writes there anyway (.mo, ignored by git).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dcmaint-wheel-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
START=$(date +%s)

say() { printf 'wheel-smoke: %s\n' "$*"; }
fail() { say "FAILED: $*" >&2; exit 1; }

# --- build -------------------------------------------------------------------------------------
plugins=("$ROOT"/plugins/*/)
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/wheels" "$ROOT" "${plugins[@]}"
wheels=("$WORK"/wheels/*.whl)
[ "${#wheels[@]}" -eq $((1 + ${#plugins[@]})) ] || fail "expected $((1 + ${#plugins[@]})) wheels, got ${#wheels[@]}"
for wheel in "${wheels[@]}"; do
  say "built $(basename "$wheel") ($(( $(stat -c %s "$wheel") / 1024 )) KiB)"
done

# --- install into a clean venv, outside the checkout ---------------------------------------------
"$PYTHON" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install --quiet "${wheels[@]}"
mkdir "$WORK/run" "$WORK/home"
cd "$WORK/run"
# Nothing of the caller's environment may point dcmaint at another home, store or font.
for name in $(env | sed -n 's/^\(DCMAINT_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV
export DCMAINT_HOME="$WORK/home" DCMAINT_LANG=en
DC="$WORK/venv/bin/dcmaint"

# --- what a pip user runs ------------------------------------------------------------------------
version=$("$DC" --version)
expected=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$ROOT/src/dcmaint/__init__.py")
[ "$version" = "dcmaint $expected" ] || fail "dcmaint --version said '$version', expected 'dcmaint $expected'"
say "$version"

"$DC" init >/dev/null

# 2005-12-31 is settled only by the bundled cn.toml: without it the calendar packages disagree
# and the site shows no depot due date.
"$DC" site add old --customer 某市商业银行 --signed 2005-12-20 >/dev/null
due=$("$DC" site show old -f json | "$VPY" -c 'import json, sys; print(json.load(sys.stdin)["depot_due"])')
[ "$due" = "2006-01-11" ] || fail "site show: depot due '$due', expected 2006-01-11 from the bundled calendar"
say "depot due $due from the bundled calendar"

parts=$("$DC" spare catalogue import --bundled -f json | "$VPY" -c 'import json, sys; print(json.load(sys.stdin)["added"])')
[ "$parts" -ge 12 ] || fail "spare catalogue import --bundled added $parts parts"
"$DC" spare catalogue show 866730-001 >/dev/null
say "bundled parts catalogue imported ($parts parts)"

if zh=$(DCMAINT_LANG=zh_CN "$DC" site show nowhere 2>&1); then fail "site show nowhere succeeded"; fi
case "$zh" in *未知站点*) say "Chinese messages: $zh" ;; *) fail "DCMAINT_LANG=zh_CN gave '$zh'" ;; esac

"$DC" plugin list | grep -q '^redfish ' || fail "plugin list shows no redfish driver"
say "plugin list shows the redfish driver"
"$DC" plugin list | grep -q '^snmp ' || fail "plugin list shows no snmp driver"
say "plugin list shows the snmp driver"
"$DC" plugin list | grep -q '^vsphere ' || fail "plugin list shows no vsphere driver"
"$VPY" -c 'from importlib import resources; assert resources.files("dcmaint_vsphere.sim").joinpath("harness", "main.go").is_file()' \
  || fail "the vsphere wheel ships no simulator harness"
say "plugin list shows the vsphere driver; its wheel ships the simulator's harness"

# The SNMP driver from its wheel: pysnmp and cryptography came with it; a simulated UPS on battery is a warning.
"$DC" sim snmp --count 1 --flavour ups-apc --faults onbattery --endpoints-file "$WORK/snmp.json" >/dev/null 2>&1 &
sim=$!
for _ in $(seq 100); do [ -s "$WORK/snmp.json" ] && break; sleep 0.1; done
url=$("$VPY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["endpoints"][0]["url"])' "$WORK/snmp.json")
set +e
nagios=$(SNMP_COMMUNITY=smoke "$DC" health --target "$url" --kind ups --password-ref env:SNMP_COMMUNITY --format nagios)
code=$?
set -e
kill "$sim"; wait "$sim" || true
[ "$code" -eq 1 ] || fail "health over SNMP exited $code: $nagios"
case "$nagios" in *"On battery"*) say "SNMP poll from the wheel: ${nagios%%|*}" ;; *) fail "SNMP poll said '$nagios'" ;; esac

"$DC" device add srv01 --site old --kind server >/dev/null
ticket=$("$DC" ticket new --site old --device srv01 --caller 王工 --description "PSU 2 电源告警" | head -n 1 | cut -d: -f1)  # its first line; the second says who is on duty
"$DC" ticket form "$ticket" --format pdf --lang zh --output 维护单.pdf >/dev/null
head -c 5 维护单.pdf | grep -q '%PDF-' || fail "ticket form wrote no PDF"
grep -aq WenQuanYi 维护单.pdf || fail "the PDF form embeds no CJK font"
if command -v pdftotext >/dev/null; then
  pdftotext 维护单.pdf - | grep -q 维护单 || fail "the PDF form's Chinese text does not extract"
elif [ "${CI:-}" = true ]; then
  fail "pdftotext (Debian's poppler-utils) is missing: .ci/run installs it"
fi
say "Chinese PDF form written ($(stat -c %s 维护单.pdf) bytes)"

# The monthly report: its Jinja2 templates are package data, its charts need matplotlib (runtime dependencies).
last_month=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)
"$DC" report monthly --site old --month "$last_month" --format html --output 月报.html >/dev/null
grep -q '<svg' 月报.html || fail "the monthly report's HTML has no chart"
"$DC" report monthly --site old --month "$last_month" --format pdf --output 月报.pdf >/dev/null
if command -v pdftotext >/dev/null; then
  pdftotext 月报.pdf - | grep -q 月度服务报告 || fail "the monthly report's Chinese text does not extract"
fi
say "monthly report written from the wheel (HTML $(stat -c %s 月报.html) bytes, PDF $(stat -c %s 月报.pdf) bytes)"

# SQLite needs no database driver; PostgreSQL without the extra is one line naming it.
if pg=$(DCMAINT_DB_URL=postgresql://dcmaint@127.0.0.1:1/none "$DC" site list 2>&1); then fail "PostgreSQL without psycopg"; fi
case "$pg" in *"dcmaint[postgresql]"*) say "PostgreSQL without the extra: $pg" ;; *) fail "PostgreSQL error was '$pg'" ;; esac

# --- nothing came from the checkout ------------------------------------------------------------
"$VPY" - "$ROOT" <<'EOF'
import hashlib
import importlib.util
import sys
from pathlib import Path

import dcmaint
import dcmaint_redfish
from dcmaint import i18n, paths
from dcmaint.forms.fonts import cjk_font

root, venv = Path(sys.argv[1]).resolve(), Path(sys.prefix).resolve()
source_data = root / "src" / "dcmaint" / "data"
used = {"dcmaint": dcmaint.__file__, "dcmaint_redfish": dcmaint_redfish.__file__, "locale": i18n.LOCALE_DIR,
        "font": cjk_font().path}
used.update({f"data/{folder.name}": paths.bundled(folder.name) for folder in source_data.iterdir() if folder.is_dir()})
for what, where in used.items():
    where = Path(where).resolve()
    assert where.is_relative_to(venv) and not where.is_relative_to(root), f"{what} comes from {where}"
for pth in venv.rglob("*.pth"):
    assert str(root) not in pth.read_text(errors="replace"), f"{pth} points into the checkout"


def tree(base: Path) -> dict[str, str]:
    return {p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


# Every data folder of the checkout, byte for byte: checklists or whatever comes next need no change here.
assert tree(Path(dcmaint.__file__).parent / "data") == tree(source_data), "package data differs from the checkout"
catalogues = sorted((root / "src" / "dcmaint" / "locale").glob("*/LC_MESSAGES/*.po"))
assert catalogues
for po in catalogues:
    mo = i18n.LOCALE_DIR / po.relative_to(root / "src" / "dcmaint" / "locale").with_suffix(".mo")
    assert mo.is_file() and mo.read_bytes() == po.with_suffix(".mo").read_bytes(), f"{mo} is not the compiled {po}"
for test_only in ("psycopg", "redfish", "sushy_tools", "pytest"):
    assert importlib.util.find_spec(test_only) is None, f"{test_only} was installed without being asked for"
print(f"wheel-smoke: everything read from {venv}; {len(tree(source_data))} data files and "
      f"{len(catalogues)} catalogues as in the checkout; no extra installed")
EOF

say "passed in $(( $(date +%s) - START )) s"
