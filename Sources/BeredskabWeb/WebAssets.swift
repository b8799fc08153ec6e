/// The stylesheet and script every page links to, served at `/assets/beredskab.css` and
/// `/assets/beredskab.js`. The pages work without the script; it only adds the location button,
/// the status page's polling and the board's reload. It takes every word it shows from `data-`
/// attributes and writes with `textContent` only.
public enum WebAssets {
    /// The stylesheet: phone first, touch targets of at least 44 px, visible focus, AA contrast, print styles.
    public static let css = #"""
        *,*::before,*::after{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;font-size:1.0625rem;
          line-height:1.5;color:#1a1a1a;background:#fff}
        .container{max-width:42rem;margin:0 auto;padding:0 1rem}
        .container.wide{max-width:72rem}
        main{display:block;padding-top:1rem;padding-bottom:2rem}
        main:focus{outline:none}
        h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0 1rem}
        h2{font-size:1.35rem;margin:1.75rem 0 .75rem}
        h3{font-size:1.1rem;margin:1.25rem 0 .5rem}
        a{color:#0b4f9c;text-decoration-thickness:.08em;text-underline-offset:.15em}
        a:visited{color:#5a2d82}
        a:hover{color:#062f5f;text-decoration-thickness:.15em}
        :focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 6px #ffdd00}
        a:focus-visible{background:#ffdd00;color:#1a1a1a;box-shadow:0 -2px #ffdd00,0 4px #1a1a1a;outline:none;text-decoration:none}
        .skip-link{position:absolute;left:-9999px;top:0;z-index:10;padding:.75rem 1rem;background:#ffdd00;color:#1a1a1a}
        .skip-link:focus{left:0}
        .visually-hidden{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;
          clip:rect(0 0 0 0);white-space:nowrap;border:0}
        .site-header{background:#12355b;color:#fff;padding:.5rem 0}
        .site-header a,.site-header a:visited,.site-header .link-button{color:#fff}
        .site-header a:focus-visible,.site-header .link-button:focus-visible{color:#1a1a1a}
        .header-row{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem}
        .brand{margin:0;font-weight:700;font-size:1.25rem}
        .brand a{text-decoration:none;display:inline-block;min-height:44px;line-height:44px}
        .signed-in{margin:0;font-size:.95rem;flex:1 1 12rem}
        .nav{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 .25rem}
        .nav a,.link-button{display:inline-block;min-height:44px;min-width:44px;padding:.55rem .6rem;line-height:1.5}
        .nav a[aria-current=page]{font-weight:700;text-decoration-thickness:.2em}
        .logout{margin:0}
        .link-button{background:none;border:0;box-shadow:none;border-radius:0;font:inherit;font-weight:400;
          text-decoration:underline;cursor:pointer;margin:0}
        .link-button:hover{background:none;text-decoration-thickness:.15em}
        .lang-switch{margin:0}
        .lang-switch a{display:inline-block;min-height:44px;padding:.55rem .6rem}
        .site-footer{border-top:1px solid #b1b4b6;color:#3d3d3d;font-size:.9rem;padding:1rem 0 2rem}
        form{margin:0 0 1.5rem}
        .field{margin:0 0 1.25rem}
        fieldset{border:0;margin:0 0 1.25rem;padding:0;min-width:0}
        fieldset.group{border-top:2px solid #b1b4b6;padding-top:.75rem}
        legend{font-weight:700;font-size:1.1rem;padding:0;margin-bottom:.5rem}
        label{display:block;font-weight:600;margin-bottom:.25rem}
        .choice label{display:inline-block;font-weight:400;padding:.5rem 0;min-height:44px;cursor:pointer}
        .choice{display:flex;flex-wrap:wrap;align-items:flex-start;gap:0 .6rem;margin-bottom:.25rem}
        .choice .hint,.choice .field-error{flex-basis:100%;margin:0 0 .5rem 2.35rem}
        input[type=checkbox],input[type=radio]{width:1.75rem;height:1.75rem;margin:.55rem 0 0;flex:none;accent-color:#12355b}
        input[type=text],input[type=email],input[type=tel],input[type=datetime-local],select,textarea{
          display:block;width:100%;min-height:44px;padding:.5rem;font:inherit;color:#1a1a1a;background:#fff;
          border:2px solid #505a5f;border-radius:0}
        textarea{min-height:6rem;resize:vertical}
        .hint{color:#484949;margin:0 0 .4rem;font-size:.95rem}
        .field-error{color:#b00020;font-weight:700;margin:0 0 .4rem}
        .field-invalid{border-left:5px solid #b00020;padding-left:.75rem}
        .field-invalid input:not([type=checkbox]):not([type=radio]),.field-invalid select,.field-invalid textarea{
          border-color:#b00020}
        button{display:inline-block;min-height:44px;min-width:44px;padding:.6rem 1.25rem;font:inherit;font-weight:700;
          color:#fff;background:#0a6b2d;border:2px solid transparent;border-radius:.25rem;box-shadow:0 2px 0 #002d18;
          cursor:pointer}
        button:hover{background:#085a26}
        button.secondary{color:#1a1a1a;background:#f3f2f1;border-color:#505a5f;box-shadow:0 2px 0 #929191}
        button.secondary:hover{background:#dbdad9}
        button[disabled]{opacity:.6;cursor:default}
        #ack-button,#report-submit{font-size:1.2rem;padding:.8rem 1.6rem}
        .error-summary{border:4px solid #b00020;padding:1rem;margin:1rem 0 1.5rem}
        .error-summary h2{margin-top:0}
        .error-summary ul{margin:0;padding-left:1.25rem}
        .error-summary a{color:#b00020;font-weight:700}
        .sensitive{border:3px solid #7a4a00;background:#fff7e6;padding:.75rem 1rem;margin:1rem 0}
        .notice{margin:0 0 .75rem}
        .status-box{border:2px solid #505a5f;padding:.25rem 1rem 1rem;margin:1rem 0}
        .status-box h2{margin-top:.75rem}
        .ack-status{font-size:1.3rem;font-weight:700;margin:.25rem 0}
        .ack-status::before{content:"\23F3\00A0"}
        .ack-status[data-state=yes]{color:#0a6b2d}
        .ack-status[data-state=yes]::before{content:"\2713\00A0"}
        .notified{padding-left:1.25rem}
        .notified li{margin:.25rem 0}
        .notified li[data-state=yes] .ack{color:#0a6b2d;font-weight:700}
        .notified li[data-state=no] .ack{color:#8a3b00}
        .situation{display:grid;grid-template-columns:minmax(6rem,35%) 1fr;gap:.35rem 1rem;margin:0}
        .situation dt{font-weight:700}
        .exercise-tag{background:#ffdd00;color:#0b0c0c;padding:0 .3rem}
        .exercise-banner{background:#ffdd00;color:#0b0c0c;border:4px dashed #0b0c0c;padding:.75rem;font-size:1.25rem;margin:0 0 1rem}
        .silenced-tag{background:#3d2b56;color:#fff;padding:0 .3rem;letter-spacing:.03em}
        .silenced-reason{display:block;font-weight:400;font-size:.95rem;color:#3d2b56}
        .silenced-box{border:3px solid #3d2b56;padding:0 1rem;margin:1rem 0}
        .silence-banner{background:#b00020;color:#fff;border-bottom:4px solid #1a1a1a;padding:.5rem 0;font-size:1.1rem}
        .silence-banner ul{margin:0;padding-left:1.25rem}
        .silence-banner p{margin:.25rem 0 0}
        .silence-banner a,.silence-banner a:visited{color:#fff;font-weight:700}
        .silence-banner a:focus-visible{color:#1a1a1a}
        .inline-form{margin:0}
        .board-links{margin:0 0 1rem}
        .situation dd{margin:0}
        .prewrap{white-space:pre-wrap;overflow-wrap:anywhere}
        .message{background:#f3f2f1;padding:1rem;border-left:5px solid #505a5f;margin:.5rem 0 1rem}
        .severity{font-weight:700}
        .sev-extreme .severity,.severity.sev-extreme{color:#fff;background:#b00020;padding:0 .35rem}
        .severity.sev-severe{color:#8a1c00}
        .tasks{list-style:none;padding:0}
        .task{border:2px solid #b1b4b6;padding:.5rem 1rem;margin:0 0 .75rem}
        .task p{margin:.25rem 0}
        .task-overdue{border-color:#b00020}
        .overdue{color:#b00020}
        .task-done .task-text{text-decoration:line-through}
        .task form{margin:.5rem 0 0}
        .table-scroll{overflow-x:auto;margin:0 0 1.5rem}
        table{border-collapse:collapse;width:100%}
        caption{text-align:left;font-weight:700;font-size:1.1rem;padding:.5rem 0}
        th,td{text-align:left;vertical-align:top;padding:.5rem .6rem;border-bottom:1px solid #b1b4b6}
        thead th{border-bottom:2px solid #1a1a1a}
        .board tr.unacknowledged th{border-left:6px solid #b00020}
        .board a{display:inline-block;min-width:44px;min-height:44px}
        .ack[data-state=no]{font-weight:700;color:#b00020}
        .esc-fired{font-weight:700}
        .updated{color:#484949}
        .oncall-role{margin:0 0 1.5rem}
        .oncall time{white-space:nowrap}
        .now{font-size:1.1rem}
        .gap,.gap-summary{color:#b00020;font-weight:700}
        .oncall tr.gap td{background:#fde8ea}
        .oncall tr.gap td:first-child{border-left:6px solid #b00020}
        .override{font-style:italic}
        .role-filter,.gap-links{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0}
        .role-filter a,.gap-links a{display:inline-block;min-height:44px;padding:.5rem 0}
        .role-filter a[aria-current=page]{font-weight:700}
        .status-code{color:#484949}
        @media (max-width:39.99rem){
          .board thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
          .board,.board tbody,.board tr,.board th,.board td{display:block;width:100%}
          .board tr{border:2px solid #b1b4b6;margin:0 0 .75rem;padding:.25rem .5rem}
          .board tr.unacknowledged{border-color:#b00020;border-left-width:6px}
          .board tr.unacknowledged th{border-left:0}
          .board th,.board td{display:grid;grid-template-columns:7.5rem 1fr;gap:.5rem;border:0;padding:.2rem 0}
          .board th::before,.board td::before{content:attr(data-label);font-weight:700}
          .board caption{display:block}
        }
        @media (min-width:40rem){body{font-size:1.125rem}h1{font-size:2.25rem}}
        @media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
        @media (forced-colors:active){.severity,.ack-status{border:1px solid CanvasText}}
        @media print{
          body{font-size:11pt;color:#000}
          .site-header,.skip-link,.site-footer,form,button,noscript{display:none!important}
          .container,.container.wide{max-width:none;padding:0}
          a{color:#000;text-decoration:none}
          .sensitive,.status-box,.task,.message{break-inside:avoid}
          .sev-extreme .severity,.severity.sev-extreme{color:#000;background:none;border:1px solid #000}
          .table-scroll{overflow:visible}
          tr{break-inside:avoid}
        }

        """#

    /// The script, plain ES2017 with no libraries: the location button, the status page's polling
    /// of `data-status-url` every `data-poll-seconds`, and the board's reload every `data-refresh` seconds.
    public static let js = #"""
        'use strict';
        (function () {
          // The location button: fills the hidden lat and lon fields from the browser's geolocation.
          function locationButton() {
            var button = document.getElementById('use-location');
            var lat = document.getElementById('lat');
            var lon = document.getElementById('lon');
            var status = document.getElementById('location-status');
            if (!button || !lat || !lon || !status || !('geolocation' in navigator)) return;
            button.hidden = false;
            button.addEventListener('click', function () {
              button.disabled = true;
              status.textContent = button.dataset.finding;
              navigator.geolocation.getCurrentPosition(function (position) {
                lat.value = position.coords.latitude.toFixed(6);
                lon.value = position.coords.longitude.toFixed(6);
                status.textContent = button.dataset.found.replace('{accuracy}',
                  String(Math.round(position.coords.accuracy)));
                button.disabled = false;
              }, function () {
                status.textContent = button.dataset.failed;
                button.disabled = false;
              }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
            });
          }

          function setText(element, text) {
            if (element && element.textContent !== text) element.textContent = text;
          }

          // Redraws #notified from the status JSON's "notified" array, with the words in its data attributes.
          function drawNotified(list, roles) {
            var items = [];
            if (!Array.isArray(roles) || roles.length === 0) {
              var empty = document.createElement('li');
              empty.className = 'empty';
              empty.textContent = list.dataset.empty;
              items.push(empty);
            } else {
              roles.forEach(function (role) {
                var item = document.createElement('li');
                var acknowledged = role.acknowledged === true;
                item.dataset.state = acknowledged ? 'yes' : 'no';
                var name = document.createElement('span');
                name.className = 'role';
                name.textContent = String(role.role_name || role.role || '');
                var count = document.createElement('span');
                count.className = 'count';
                var n = Number(role.count) || 0;
                count.textContent = '(' + (n === 1 ? list.dataset.person : list.dataset.persons.replace('{n}', String(n))) + ')';
                var ack = document.createElement('span');
                ack.className = 'ack';
                ack.textContent = acknowledged ? list.dataset.yes : list.dataset.no;
                item.appendChild(name);
                item.appendChild(document.createTextNode(' '));
                item.appendChild(count);
                item.appendChild(document.createTextNode(': '));
                item.appendChild(ack);
                items.push(item);
              });
            }
            while (list.firstChild) list.removeChild(list.firstChild);
            items.forEach(function (item) { list.appendChild(item); });
          }

          // The reporter's status page: polls the status URL and updates #ack-status, #notified and #incident-state.
          function statusPolling(main) {
            var url = main.dataset.statusUrl;
            var seconds = Number(main.dataset.pollSeconds) || 3;
            var ack = document.getElementById('ack-status');
            var list = document.getElementById('notified');
            var state = document.getElementById('incident-state');
            var last = '';
            var timer = null;
            var stopped = false;

            function schedule(delay) {
              if (stopped) return;
              clearTimeout(timer);
              timer = setTimeout(poll, delay);
            }

            function apply(data) {
              if (ack) {
                ack.dataset.state = data.acknowledged === true ? 'yes' : 'no';
                setText(ack, data.acknowledged === true ? ack.dataset.yes : ack.dataset.no);
              }
              if (state) setText(state, data.status === 'closed' ? state.dataset.closed : state.dataset.open);
              var roles = JSON.stringify(data.notified || []);
              if (list && roles !== last) {
                last = roles;
                drawNotified(list, data.notified);
              }
            }

            function poll() {
              if (document.hidden) return;
              fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' })
                .then(function (response) {
                  if (response.status === 401 || response.status === 403 || response.status === 404) {
                    stopped = true;
                    return null;
                  }
                  if (!response.ok) throw new Error('HTTP ' + response.status);
                  return response.json();
                })
                .then(function (data) {
                  if (data) apply(data);
                  schedule(seconds * 1000);
                })
                .catch(function () { schedule(seconds * 2000); });
            }

            document.addEventListener('visibilitychange', function () {
              if (!document.hidden) schedule(0);
            });
            schedule(seconds * 1000);
          }

          // The board: reloads itself every data-refresh seconds while it is visible.
          function boardRefresh(main) {
            var seconds = Number(main.dataset.refresh);
            if (!(seconds > 0)) return;
            var due = Date.now() + seconds * 1000;
            function tick() {
              if (!document.hidden && Date.now() >= due) {
                window.location.reload();
              } else {
                setTimeout(tick, 1000);
              }
            }
            setTimeout(tick, seconds * 1000);
          }

          function start() {
            locationButton();
            var polled = document.querySelector('main[data-status-url]');
            if (polled) statusPolling(polled);
            var board = document.querySelector('main[data-refresh]');
            if (board) boardRefresh(board);
          }

          if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', start);
          } else {
            start();
          }
        })();

        """#
}
