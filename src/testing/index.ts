// Test harness entry point (`libvirt-async/testing`): a real private libvirtd for tests, and
// libvirt's own C client (through python3-libvirt) as the oracle to compare results with.
/**
 * A real private libvirtd for your tests ({@link startTestDaemon}), XML helpers for the test
 * driver and a tiny QEMU guest ({@link tinyQemuDomainXml}), and libvirt's own C client through
 * python3-libvirt as an oracle ({@link runOracle}).
 * @module libvirt-async/testing
 */

export { startTestDaemon, TestDaemon, type TestDaemonOptions, type QemuTestDaemon } from './daemon.js'
export { TestHarnessError, type TestHarnessErrorCode } from './errors.js'
export type { ConfValue } from './conf.js'
export { socketUri } from './uri.js'
export { testNodeXml, testDomainXml } from './node-xml.js'
export { tinyQemuDomainXml, type TinyQemuDomainOptions } from './tiny-vm.js'
export { runOracle, oracleAvailable, OracleLibvirtError, ORACLE_PYTHON, type OracleOptions } from './oracle.js'
