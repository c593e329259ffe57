// Test harness entry point (`libvirt-async/testing`): a real private libvirtd for tests, and
// libvirt's own C client (through python3-libvirt) as the oracle to compare results with.

export { startTestDaemon, TestDaemon, type TestDaemonOptions, type QemuTestDaemon } from './daemon.js'
export { TestHarnessError, type TestHarnessErrorCode } from './errors.js'
export type { ConfValue } from './conf.js'
export { socketUri } from './uri.js'
export { testNodeXml, testDomainXml } from './node-xml.js'
export { tinyQemuDomainXml, type TinyQemuDomainOptions } from './tiny-vm.js'
export { runOracle, oracleAvailable, OracleLibvirtError, ORACLE_PYTHON, type OracleOptions } from './oracle.js'
