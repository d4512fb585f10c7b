// A refused htmx request (answer marked X-Refusal: 403 suspended, 429 too fast, 400 …) shows
// its reason inside the form that sent it and swaps nothing, so the text stays in the box.
// Without this script htmx would drop any 4xx answer silently.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (!xhr || xhr.getResponseHeader("X-Refusal") !== "1") {
    return;
  }
  event.detail.shouldSwap = false;
  event.detail.isError = false;
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  // The form around the control, else the control's own box (rating buttons belong to a
  // shared form elsewhere on the page), else the alert area at the top.
  var place = null;
  if (source && source.closest) {
    place = source.closest("form") || source.parentElement;
  }
  place = place || document.getElementById("site-alert");
  if (!place) {
    return;
  }
  var old = place.querySelector(":scope > .refusal-slot");
  if (old) {
    old.remove();
  }
  var slot = document.createElement("div");
  slot.className = "refusal-slot";
  slot.innerHTML = xhr.responseText;
  place.insertBefore(slot, place.firstChild);
});
