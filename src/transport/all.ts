// Layer 3 (transports). Imports every transport module once so each registers its factory.
import './select.js'
import './tls.js'
import './tcp.js'
import './ssh.js'
import './ext.js'
