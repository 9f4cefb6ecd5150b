// The demo page listens to the widget's event, as a help center would (to prefill a ticket).
const analyzer = document.getElementById("analyzer");
analyzer.addEventListener("analysis-complete", (event) => {
  const report = event.detail;
  const problems = report.findings.filter((f) => f.severity === "problem").length;
  document.getElementById("kb-event").textContent =
    `The analyzer finished: ${report.hops.length} hops, ${problems} problem(s). A support ticket could be prefilled from event.detail.`;
  document.body.dataset.analysisComplete = "true";
});
