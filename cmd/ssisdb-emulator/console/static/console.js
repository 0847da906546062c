// The console's only script: it refreshes the live part of a page while
// executions run, and keeps the Machine Selection radio in step with the
// ticked workers. Every page works without it.
(function () {
  'use strict';

  function liveRefresh() {
    var body = document.body;
    var ms = parseInt(body.getAttribute('data-refresh') || '0', 10);
    if (!ms) {
      return;
    }
    function tick() {
      fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) {
          if (r.redirected) {
            location.reload(); // signed out meanwhile: show the sign-in form
            return null;
          }
          if (!r.ok) {
            throw new Error('HTTP ' + r.status);
          }
          return r.text();
        })
        .then(function (html) {
          if (html === null) {
            return;
          }
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fresh = doc.getElementById('live');
          var cur = document.getElementById('live');
          if (fresh && cur) {
            cur.replaceWith(document.importNode(fresh, true));
          }
          var next = parseInt(doc.body.getAttribute('data-refresh') || '0', 10);
          if (next) {
            body.setAttribute('data-refresh', String(next));
            setTimeout(tick, next);
          } else {
            body.removeAttribute('data-refresh');
          }
        })
        .catch(function () {
          setTimeout(tick, ms * 5); // the server may be restarting: back off
        });
    }
    setTimeout(tick, ms);
  }

  function machineSelection() {
    var chosen = document.getElementById('machines-chosen');
    if (!chosen) {
      return;
    }
    document.querySelectorAll('input.worker-pick').forEach(function (box) {
      box.addEventListener('change', function () {
        if (box.checked) {
          chosen.checked = true;
        }
      });
    });
    var any = document.getElementById('machines-any');
    if (any) {
      any.addEventListener('change', function () {
        if (any.checked) {
          document.querySelectorAll('input.worker-pick').forEach(function (box) { box.checked = false; });
        }
      });
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    liveRefresh();
    machineSelection();
  });
})();
