// The demo page listens to the widget's events, as a help center would (to prefill a ticket from
// the report, or to note that the reader copied the diagnosis).
const analyzer = document.getElementById("analyzer");
const note = document.getElementById("kb-event");
analyzer.addEventListener("analysis-complete", (event) => {
  const d = event.detail.diagnosis;
  note.textContent = `The analyzer finished${d && d.summary ? `: ${d.summary}` : "."} A support ticket could be prefilled from event.detail (the report).`;
  document.body.dataset.analysisComplete = "true";
});
analyzer.addEventListener("diagnosis-copied", (event) => {
  note.textContent = `The diagnosis was copied (${event.detail.format === "markdown" ? "Markdown" : "plain text"}); paste it into the ticket form.`;
});
