// Layer 3 (transports). The transport table (select.ts); each transport module loads there on
// first use. Side effects only; imported by the package root and the CLI.
import './select.js'
