// Entry point: pick up the session token before anything renders, then mount the admin.
import { render } from 'preact'
import { startSession } from './session.ts'
import { App } from './app.tsx'
import './styles.css'

startSession()
const root = document.getElementById('app')
if (root) render(<App />, root)
