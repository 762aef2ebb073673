// Say so when a security key or passkey does not answer (allauth only logs it).
document.addEventListener("allauth.error", (event) => {
  event.preventDefault();
  let alert = document.getElementById("webauthn-error");
  if (!alert) {
    alert = document.createElement("div");
    alert.id = "webauthn-error";
    alert.className = "alert alert-danger identity-narrow";
    alert.setAttribute("role", "alert");
    document.querySelector("main h1").after(alert);
  }
  alert.textContent =
    "Your security key did not answer, or the browser refused it. Try again, or use a code.";
});
