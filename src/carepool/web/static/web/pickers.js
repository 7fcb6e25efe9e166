// Choosing organisations from a long list (about 160) without a page of tick-boxes.
//
// The server renders plain selects that work without JavaScript. Where the accessible
// autocomplete (alphagov's accessible-autocomplete, loaded by the page) is present:
//   - a single select marked data-autocomplete="single" becomes a type-ahead input;
//   - a multiple select inside [data-module="app-organisation-picker"] is hidden and replaced
//     by "Add a <item>" (a type-ahead and an Add button) and a list of those chosen, each with
//     a Remove button. The hidden select stays the form's field: adding selects its option,
//     removing deselects it, so the form posts exactly what it posted before.

function announce(region, message) {
  region.textContent = ""
  window.setTimeout(() => {
    region.textContent = message
  }, 50)
}

function enhanceMultiple(group, autocomplete) {
  const select = group.querySelector("select[multiple]")
  if (!select) return
  const item = group.dataset.item || "organisation"
  const options = Array.from(select.options)
  const byText = new Map(options.map((o) => [o.text, o]))

  const chosenHeading = document.createElement("p")
  chosenHeading.className = "nhsuk-body nhsuk-u-margin-bottom-2 app-picker__heading"
  chosenHeading.id = `${select.id}-chosen-heading`
  const list = document.createElement("ul")
  list.className = "nhsuk-list app-picker__chosen"
  list.id = `${select.id}-chosen`
  list.setAttribute("aria-labelledby", chosenHeading.id)

  const pickerId = `${select.id}-add`
  const label = document.createElement("label")
  label.className = "nhsuk-label"
  label.htmlFor = pickerId
  label.textContent = `Add ${/^[aeiou]/i.test(item) ? "an" : "a"} ${item}`
  const hint = document.createElement("div")
  hint.className = "nhsuk-hint"
  hint.id = `${pickerId}-hint`
  hint.textContent = "Start typing a name or code, choose from the list, then press Add."
  let container = document.createElement("div")
  const add = document.createElement("button")
  add.type = "button"
  add.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small app-picker__add"
  add.textContent = `Add ${item}`
  const status = document.createElement("p")
  status.className = "nhsuk-u-visually-hidden"
  status.setAttribute("role", "status")
  const problem = document.createElement("p")
  problem.className = "nhsuk-error-message app-picker__problem"
  problem.hidden = true

  const render = () => {
    const chosen = options.filter((o) => o.selected)
    list.replaceChildren()
    chosenHeading.textContent = chosen.length
      ? `Chosen (${chosen.length}):`
      : `No ${item}s chosen yet.`
    for (const option of chosen) {
      const li = document.createElement("li")
      li.className = "app-picker__item"
      const name = document.createElement("span")
      name.textContent = option.text
      const remove = document.createElement("button")
      remove.type = "button"
      remove.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small app-picker__remove"
      remove.textContent = "Remove"
      const hidden = document.createElement("span")
      hidden.className = "nhsuk-u-visually-hidden"
      hidden.textContent = ` ${option.text}`
      remove.append(hidden)
      remove.addEventListener("click", () => {
        option.selected = false
        render()
        announce(status, `Removed ${option.text}`)
        document.getElementById(pickerId)?.focus()
      })
      li.append(name, " ", remove)
      list.append(li)
    }
  }

  const choose = (option) => {
    problem.hidden = true
    const already = option.selected
    option.selected = true
    render()
    announce(status, already ? `${option.text} was already chosen` : `Added ${option.text}`)
    // A fresh, empty type-ahead for the next one (after the autocomplete finishes its event).
    window.setTimeout(() => {
      mount()
      document.getElementById(pickerId)?.focus()
    }, 0)
  }

  const addFromInput = () => {
    const input = document.getElementById(pickerId)
    const text = input ? input.value.trim() : ""
    const option = byText.get(text)
    if (option) {
      choose(option)
      return
    }
    problem.hidden = false
    problem.textContent = text
      ? `No organisation is called "${text}": choose one from the list`
      : `Type the name or code of the ${item} to add, then choose it from the list`
    input?.focus()
  }

  const mount = () => {
    // A new element each time: a fresh component, with nothing typed.
    const fresh = document.createElement("div")
    fresh.className = "app-picker__input"
    container.replaceWith(fresh)
    container = fresh
    autocomplete({
      element: fresh,
      id: pickerId,
      source: (query, populate) => {
        const q = query.toLowerCase()
        populate(
          options.filter((o) => !o.selected && o.text.toLowerCase().includes(q)).map((o) => o.text)
        )
      },
      onConfirm: (text) => {
        const option = text && byText.get(text)
        if (option) choose(option)
      },
      minLength: 1,
      displayMenu: "overlay",
      confirmOnBlur: false,
      tNoResults: () => "No organisation matches",
    })
    document.getElementById(pickerId)?.setAttribute("aria-describedby", `${hint.id} ${list.id}`)
  }
  add.addEventListener("click", addFromInput)
  const enhanced = document.createElement("div")
  enhanced.addEventListener("keydown", (event) => {
    // Enter with no suggestion highlighted adds what was typed rather than submitting the
    // whole form (with one highlighted, the autocomplete confirms it and stops the event).
    if (event.key === "Enter" && event.target.id === pickerId && !event.defaultPrevented) {
      event.preventDefault()
      addFromInput()
    }
  })

  enhanced.className = "app-picker"
  enhanced.append(chosenHeading, list, label, hint, problem, container, add, status)
  select.insertAdjacentElement("afterend", enhanced)
  select.classList.add("app-picker__fallback")
  group.querySelector(`label[for="${select.id}"]`)?.classList.add("app-picker__fallback")
  for (const note of group.querySelectorAll(".app-no-js-only")) note.hidden = true
  // The error summary links to the field: now that the select is hidden, to the type-ahead.
  for (const link of document.querySelectorAll(`.nhsuk-error-summary a[href="#${select.id}"]`)) {
    link.setAttribute("href", `#${pickerId}`)
  }
  render()
  mount()
}

export function enhancePickers(root) {
  const autocomplete = window.accessibleAutocomplete
  if (!autocomplete) return
  for (const select of root.querySelectorAll('select[data-autocomplete="single"]')) {
    autocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      dropdownArrow: () => "",
      confirmOnBlur: true,
    })
  }
  for (const group of root.querySelectorAll('[data-module="app-organisation-picker"]')) {
    enhanceMultiple(group, autocomplete)
  }
}
