"""Stopping the simulator ends all its work: no task, connection or client session is left for the loop's end.

aiohttp forgets the task serving a connection whose client hung up in the
middle of a request (a client giving up on a hung BMC), and its shutdown
cancels the others without waiting for them; a simulator that closed its
loop after that printed "Task was destroyed but it is pending!" when the
tasks were collected, at the end of whatever process ran it. The scenario
runs in a fresh process, so that what it prints at exit is its own.
"""

from __future__ import annotations

import subprocess
import sys

from rf_guard import HANG, NOISE

SCENARIO = """
import gc, json, socket, sys, urllib.request
from dcmaint.drivers import Target
from dcmaint.drivers.runner import PollJob, run_jobs
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint_redfish.driver import RedfishDriver
from dcmaint_redfish.sim import running

HUNG = b"GET /redfish/v1/Systems HTTP/1.1\\r\\nHost: bmc1\\r\\nAuthorization: Basic YWRtaW46c2VjcmV0\\r\\n\\r\\n"


def requests(url):
    with urllib.request.urlopen(url + "/sim/info", timeout=30) as answer:
        return json.loads(answer.read())["requests"]  # this request included


def hang(url):
    # A request the hung BMC holds; returns once the simulator's handler has it (its request count says so).
    before = requests(url)
    client = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])))
    client.sendall(HUNG)
    for _ in range(1000):
        seen = requests(url)
        if seen == before + 2:
            return client
        before = seen
    sys.exit("the hung request never reached the simulator")


options = SimulatorOptions(count=2, latency_ms=5, faults="bmc1:hang", flavours=("generic",))
with running(options) as sim:
    hung, good = sim.endpoints[0].url, sim.endpoints[1].url
    hang(hung).close()  # the client gives up in the middle of the request
    still_open = hang(hung)  # this one is still waiting when the simulator stops
    idle = socket.create_connection(("127.0.0.1", int(good.rsplit(":", 1)[1])))
    idle.sendall(b"GET /redfish/v1 HTTP/1.1\\r\\nHost: bmc2\\r\\n\\r\\n")
    idle.recv(65536)  # answered; the keep-alive connection stays open and idle
    jobs = [PollJob(Target(f"bmc{n}", "server", url.replace("http://", "redfish+http://"), username="admin",
                           credential=Secret("secret"), timeout=1.0), RedfishDriver())
            for n, url in ((1, hung), (2, good))]
    print(",".join(str(result.error and result.error.value) for result in run_jobs(jobs, timeout=1.0)))
    print(sim.sessions(1), sim.sessions(2))
gc.collect()
print("stopped")
still_open.close()
idle.close()
"""


def test_a_stopped_simulator_leaves_no_pending_task_nor_open_session() -> None:
    done = subprocess.run([sys.executable, "-c", SCENARIO], capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["timed_out,None", "0 0", "stopped"], done.stdout
    for noise in NOISE:
        assert noise not in done.stderr, done.stderr
