// Posts the signed LTI launch to the tool at once; the button stays for browsers without scripts.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) { form.submit(); });
