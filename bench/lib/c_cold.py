# Benchmark child: one fresh /usr/bin/python3 process's cold path with libvirt's C client — the
# counterpart of bench/lib/cold-child.ts: import libvirt, open, then `calls` sequential
# getLibVersion calls; prints one JSON line of milestones (ms since before `import libvirt`).
# Usage: /usr/bin/python3 bench/lib/c_cold.py '<json {uri, calls, marks}>'
import json
import resource
import sys
import time


def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e3


c0 = cpu_ms()
t0 = time.perf_counter()
import libvirt  # noqa: E402 (timed: the clock starts before it)

imported = (time.perf_counter() - t0) * 1e3
import_cpu = cpu_ms() - c0
REQ = json.loads(sys.argv[1])
if REQ['uri'] is None:  # import only
    sys.stdout.write(json.dumps({'imported': imported, 'importCpu': import_cpu, 'connected': 0, 'first': 0, 'at': {}}) + '\n')
    sys.exit(0)
conn = libvirt.open(REQ['uri'])
connected = (time.perf_counter() - t0) * 1e3
marks = set(REQ['marks'])
at = {}
first = 0.0
for i in range(1, REQ['calls'] + 1):
    conn.getLibVersion()
    if i == 1:
        first = (time.perf_counter() - t0) * 1e3
    if i in marks:
        at[str(i)] = (time.perf_counter() - t0) * 1e3
conn.close()
sys.stdout.write(json.dumps({'imported': imported, 'importCpu': import_cpu, 'connected': connected, 'first': first, 'at': at}) + '\n')
