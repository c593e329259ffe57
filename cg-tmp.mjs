import { connect } from 'libvirt-async'
const conn = await connect(process.argv[2])
const N = +process.argv[3]
for (let i = 0; i < N; i++) await conn.getLibVersion()
await conn.close()
