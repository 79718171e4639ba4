/* LTI Dynamic Registration: tell the platform's window that registration is over, so it closes our frame. */
(function () {
  "use strict";
  (window.opener || window.parent).postMessage({subject: "org.imsglobal.lti.close"}, "*");
})();
