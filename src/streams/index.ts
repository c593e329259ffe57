// Layer 6 (streams). Public surface of libvirt streams as Node streams: the Stream class, the
// functions that open console, channel, volume and screenshot streams (and any other stream
// procedure), sparse-file helpers and the interactive console for the CLI.

export { Stream, isStreamHole, DEFAULT_STREAM_HIGH_WATER_MARK } from './stream.js'
export type { StreamHole, StreamDirection, StreamOptions } from './stream.js'
export { openStreamCall, openDomainConsole, openDomainChannel, storageVolDownload, storageVolUpload, domainScreenshot } from './open.js'
export type { StreamConnection, OpenStreamOptions, StreamCall, DomainLike, StorageVolLike, Screenshot } from './open.js'
export { sparseFileItems, uploadSparseFile, writeSparseFile } from './sparse.js'
export type { SparseScanOptions } from './sparse.js'
export { runConsoleTty, CONSOLE_ESCAPE } from './console-tty.js'
export type { ConsoleTtyOptions } from './console-tty.js'
export { STREAM_CHUNK } from './frames.js'
