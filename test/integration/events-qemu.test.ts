// Events from a real QEMU VM and the daemon's real secret driver (testbeds §3.3), compared with
// what libvirt's C client (python3-libvirt) receives for the same operations. Root + QEMU only.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect, DomainEventID, SecretEventID } from '../../src/index.js'
import { startTestDaemon, runOracle, type TestDaemon } from '../../src/testing/index.js'
import { nameOf, sleep, waitFor } from './events-helpers.js'

const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/usr/bin/qemu-img')
let daemon: TestDaemon
before(async () => {
  if (canRun) daemon = await startTestDaemon({ qemu: true })
})
after(async () => {
  await daemon?.stop()
})

const VM_OPS = String.raw`
import libvirt_qemu
ev = []
def add(*x): ev.append(list(x))
E = libvirt
R = conn.domainEventRegisterAny
R(None, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda c, d, e, det, o: add('lifecycle', d.name(), e, det), None)
R(None, E.VIR_DOMAIN_EVENT_ID_REBOOT, lambda c, d, o: add('reboot', d.name()), None)
R(None, E.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, lambda c, d, t, ns, o: add('metadata', d.name(), t, ns), None)
R(None, E.VIR_DOMAIN_EVENT_ID_TUNABLE, lambda c, d, p, o: add('tunable', d.name(), p), None)
R(None, E.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, lambda c, d, a, o: add('device-added', d.name(), a), None)
R(None, E.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, lambda c, d, a, o: add('device-removed', d.name(), a), None)
R(None, E.VIR_DOMAIN_EVENT_ID_BLOCK_JOB, lambda c, d, p, t, s, o: add('block-job', d.name(), p, t, s), None)
R(None, E.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, lambda c, d, p, t, s, o: add('block-job-2', d.name(), p, t, s), None)
R(None, E.VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION, lambda c, d, i, o: add('migration-iteration', d.name(), i), None)
R(None, E.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, lambda c, d, p, o: add('job-completed', d.name(), sorted(p.keys()), p.get('operation')), None)
conn.secretEventRegisterAny(None, E.VIR_SECRET_EVENT_ID_LIFECYCLE, lambda c, s, e, det, o: add('secret', s.UUIDString(), e, det), None)
conn.secretEventRegisterAny(None, E.VIR_SECRET_EVENT_ID_VALUE_CHANGED, lambda c, s, o: add('secret-value', s.UUIDString()), None)
libvirt_qemu.qemuMonitorEventRegister(conn, None, None, lambda c, d, e, s, us, det, o: e in ('RESET', 'STOP', 'RESUME') and add('qmp', d.name(), e), None, 0)

sec = conn.secretDefineXML("<secret ephemeral='no' private='no'><uuid>6f1c3d2a-0b6e-4c4b-9d8e-2a1b3c4d5e6f</uuid><usage type='volume'><volume>/var/lib/x.img</volume></usage></secret>", 0)
sec.setValue(b'hunter2', 0)
sec.undefine()

N = args['name']
D = args['dir']
xml = """<domain type='kvm'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='%s/disk.qcow2'/><target dev='vda' bus='virtio'/></disk>
<serial type='pty'/><console type='pty'/><memballoon model='none'/></devices></domain>""" % (N, D)
d = conn.defineXML(xml)
d.create()
d.reset(0)
d.setMetadata(E.VIR_DOMAIN_METADATA_TITLE, 'a title', None, None, E.VIR_DOMAIN_AFFECT_LIVE)
d.pinVcpu(0, (True,))
tablet = "<input type='tablet' bus='usb'/>"
d.attachDeviceFlags(tablet, E.VIR_DOMAIN_AFFECT_LIVE)
wait_until(lambda: any(e[0] == 'device-added' for e in ev))
d.detachDeviceFlags(tablet, E.VIR_DOMAIN_AFFECT_LIVE)
wait_until(lambda: any(e[0] == 'device-removed' for e in ev))
d.blockCopy('vda', "<disk type='file'><driver type='qcow2'/><source file='%s/copy.qcow2'/></disk>" % D, None, E.VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB)
wait_until(lambda: any(e[0] == 'block-job-2' for e in ev), 30)
d.blockJobAbort('vda', 0)
wait_until(lambda: sum(e[0] == 'block-job-2' for e in ev) >= 2, 30)
d.save(D + '/vm.save')
conn.restore(D + '/vm.save')
d = conn.lookupByName(N)
d.destroy()
d.undefine()
time.sleep(0.5)
result = ev
`

test('a real QEMU VM and the secret driver: REBOOT, TUNABLE, DEVICE_ADDED/REMOVED, BLOCK_JOB(_2), MIGRATION_ITERATION, JOB_COMPLETED, secrets — same as the C client', { skip: !canRun && 'needs root and QEMU' }, async () => {
  execFileSync('/usr/bin/qemu-img', ['create', '-q', '-f', 'qcow2', `${daemon.dir}/disk.qcow2`, '16M'])
  await using conn = await connect(daemon.qemuUri!)
  const ours: unknown[][] = []
  const add = (...x: unknown[]): void => void ours.push(x)
  const num = (p: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, d, e, det) => add('lifecycle', nameOf(d), e, det))
  await conn.domainEventRegisterAny(null, DomainEventID.REBOOT, (_c, d) => add('reboot', nameOf(d)))
  await conn.domainEventRegisterAny(null, DomainEventID.METADATA_CHANGE, (_c, d, t, ns) => add('metadata', nameOf(d), t, ns))
  await conn.domainEventRegisterAny(null, DomainEventID.TUNABLE, (_c, d, p) => add('tunable', nameOf(d), num(p)))
  await conn.domainEventRegisterAny(null, DomainEventID.DEVICE_ADDED, (_c, d, a) => add('device-added', nameOf(d), a))
  await conn.domainEventRegisterAny(null, DomainEventID.DEVICE_REMOVED, (_c, d, a) => add('device-removed', nameOf(d), a))
  await conn.domainEventRegisterAny(null, DomainEventID.BLOCK_JOB, (_c, d, p, t, s) => add('block-job', nameOf(d), p, t, s))
  await conn.domainEventRegisterAny(null, DomainEventID.BLOCK_JOB_2, (_c, d, p, t, s) => add('block-job-2', nameOf(d), p, t, s))
  await conn.domainEventRegisterAny(null, DomainEventID.MIGRATION_ITERATION, (_c, d, i) => add('migration-iteration', nameOf(d), i))
  await conn.domainEventRegisterAny(null, DomainEventID.JOB_COMPLETED, (_c, d, p) => add('job-completed', nameOf(d), Object.keys(p).sort(), Number(p.operation)))
  await conn.secretEventRegisterAny(null, SecretEventID.LIFECYCLE, (_c, s, e, det) => add('secret', s.uuid, e, det))
  await conn.secretEventRegisterAny(null, SecretEventID.VALUE_CHANGED, (_c, s) => add('secret-value', s.uuid))
  await conn.qemuMonitorEventRegister(null, null, (_c, d, e, seconds, micros) => {
    assert.equal(typeof seconds, 'number') // seconds since the epoch: a number by the number/bigint rule
    assert.equal(typeof micros, 'number')
    if (e === 'RESET' || e === 'STOP' || e === 'RESUME') add('qmp', nameOf(d), e)
  })
  const oracle = await runOracle<unknown[][]>(daemon.qemuUri!, VM_OPS, { events: true, args: { name: 'ev-vm', dir: daemon.dir }, timeoutMs: 120_000 })
  await waitFor(() => ours.length >= oracle.length, `our events (have ${ours.length}, want ${oracle.length})`)
  await sleep(200)
  assert.deepEqual(ours, oracle)
  for (const kind of ['reboot', 'tunable', 'device-added', 'device-removed', 'block-job', 'block-job-2', 'migration-iteration', 'job-completed', 'secret', 'secret-value', 'metadata', 'qmp']) {
    assert.ok(ours.some((e) => e[0] === kind), `saw ${kind}`)
  }
})
