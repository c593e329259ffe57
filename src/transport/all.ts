// Layer 3 (transports). Imports every transport module once so each registers its factory with
// select.ts. Side effects only; imported by the package root and the CLI.
import './select.js'
import './tls.js'
import './tcp.js'
import './ssh.js'
import './ext.js'
