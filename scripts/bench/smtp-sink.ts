// An SMTP server that accepts and discards every message (a bench peer in a process of its own); prints its port, then counts.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

let received = 0
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 100,
  onData (stream, _session, callback) {
    stream.on('data', () => {})
    stream.on('end', () => { received++; callback() })
  },
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.server.address() as AddressInfo).port}\n`)
})
process.on('message', () => { process.send?.(received) })
