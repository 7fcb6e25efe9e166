// Starts the NHS.UK frontend's components (header menu, error summary focus, ...). A file
// rather than an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
import { initAll } from "../nhsuk/nhsuk/nhsuk-frontend.min.js"

initAll()
