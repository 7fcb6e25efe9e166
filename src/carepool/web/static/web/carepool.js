// Starts the NHS.UK frontend's components (header menu, error summary focus, ...) and enhances
// the organisation pickers. A file rather than an inline script, so the Content-Security-Policy
// needs no 'unsafe-inline'.
import { initAll } from "../nhsuk/nhsuk/nhsuk-frontend.min.js"
import { enhancePickers } from "./pickers.js"

initAll()
enhancePickers(document)
