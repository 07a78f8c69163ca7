/* Task centre: the badge wall and the tasks (static/common/tasks.js), and the draw the badges
 * unlock. The runtime decides what completes a task and what the badges pay. */
(function () {
  "use strict";
  var CS = window.CS;
  var showDraw = CS.drawButton(document.getElementById("tc-draw"),
    document.getElementById("tc-chances"), null);

  function onState(me) {
    showDraw(me);
    return CS.tasks.load().catch(CS.showError);
  }

  CS.start({onState: onState});
})();
