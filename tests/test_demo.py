"""`dcmaint demo`, the README's main job: it runs end to end and leaves nothing behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_demo_runs_end_to_end_and_cleans_up(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "dcmaint", "demo"], capture_output=True, text=True, env=env,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Imported  10" in out
    assert "[CRITICAL] hq/hq-web-01: psu PSU 2" in out  # found by the driver in the simulated BMC
    assert "spare 866730-001" in out  # with the spare part number a technician orders
    assert "recorded 6 devices" in done.stderr
    # The depot step: the spare is offered first, fitted in the simulated BMC, swapped and verified by a poll.
    assert re.search(r"hq-web-01 +psu:PSU 2 +1 +exact +5WBXK0A9DEMO", out)
    assert "needs customer consent" in out  # the 500 W substitute, offered second
    assert re.search(r"^Verification +verified$", out, re.MULTILINE)
    assert "psu:PSU 2 reports the spare 5WBXK0A9DEMO, ok" in out
    assert re.search(r"^hq +\S+ +865414-B21 +faulty +hq-web-01 +PSU 2 ", out, re.MULTILINE)  # in custody
    # The ticket the swap belongs to went through the whole work order.
    assert re.search(r"^State +verified$", out, re.MULTILINE)
    assert "12h target: met" in out and re.search(r"swap +in_progress +psu:PSU 2 on hq-web-01: fitted 5WBXK0A9DEMO", out)
    assert re.search(r"form written to \S*维护单.pdf \(\d+ bytes\)", out)
    assert re.search(r"^problems +0$", out, re.MULTILINE)  # db check found the audit chain sound
    assert list(tmp_path.iterdir()) == []  # the temporary home is gone and the simulator stopped
