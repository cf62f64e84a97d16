/*
 * nncourse-quiz: the workbook's quiz questions answered with the mouse, in JupyterLab and Notebook 7.
 *
 * Written by hand, without a build step. A JupyterLab "federated extension" is a script that registers a
 * container in window._JUPYTERLAB with init(shareScope) and get(module); JupyterLab calls both as it starts and
 * takes its plugins from the module that get("./extension") resolves to. This plugin uses only JupyterLab's own
 * packages, from that shared scope: @jupyterlab/notebook (the notebook tracker, NotebookActions) and
 * @lumino/widgets (Widget).
 *
 * A quiz question is a code cell (its answer cell) followed by the locked check cell
 *     assert_choice(q1_answer, "abcd", "q1_answer")        one option
 *     assert_choices(q2_answers, "abcdef", "q2_answers")   every option that fits
 * Under each answer cell the plugin shows one button per option. A click writes the answer into the cell's
 * source (q1_answer = "d", q2_answers = {"a", "c"}), where Restart & Run All and the grader read it, and runs
 * the answer cell and its check cell (the setup cell first when it has not run), so the format check answers
 * right away. Typing the answer works as before: the buttons show whatever the cell assigns. Nothing here
 * knows an answer; whether a choice is right is decided when the notebook is graded.
 *
 * Quiz versions: every student sees the options in an order of their own. The order is computed by the
 * student runtime only (nncourse.quiz_versions, which the grader shares): once the notebook's kernel is ready,
 * the plugin asks it, in a silent request, for the order of every question (by its test cell's grade_id), then
 * lists the options of each question's Markdown in that order with the student's letters (a) first, ...), and
 * records in the notebook's metadata (nncourse.quiz_version) whose version was shown. The buttons appear once
 * the version is known. Without a student id the kernel answers with the notebook's own order, and the
 * buttons say so.
 */
(function () {
  "use strict";

  var NAME = "nncourse-quiz";
  var CHECK = /^assert_choice(s?)\((q\d+_answers?),\s*"([a-z]+)",\s*"\2"\)\s*$/m;
  var PLACEHOLDERS = ["# YOUR CODE HERE", "raise NotImplementedError()"];
  var STYLE = [
    ".nncourse-quiz{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:6px 0 4px 64px;",
    "font-family:var(--jp-ui-font-family);font-size:var(--jp-ui-font-size1)}",
    ".nncourse-quiz-label{font-weight:600;color:var(--jp-ui-font-color1)}",
    ".nncourse-quiz-option{min-width:2.6em;padding:3px 10px;border:1px solid var(--jp-border-color1);",
    "border-radius:14px;background:var(--jp-layout-color1);color:var(--jp-ui-font-color1);cursor:pointer;",
    "font-weight:600}",
    ".nncourse-quiz-option:hover{border-color:var(--jp-brand-color1)}",
    ".nncourse-quiz-option[aria-pressed=true]{background:var(--jp-brand-color1);border-color:var(--jp-brand-color1);",
    "color:#fff}",
    ".nncourse-quiz-how{color:var(--jp-ui-font-color2)}"
  ].join("");
  var OPTION_LINE = /^\* \*\*[a-z]\)\*\* /m;
  var VERSION_KEY = "quiz_version";

  var scope = null;

  /* The module a package of the shared scope exports (its highest version). */
  function shared(name) {
    var versions = scope && scope[name];
    if (!versions) {
      return Promise.reject(new Error(NAME + ": " + name + " is not in JupyterLab's shared scope"));
    }
    var best = Object.keys(versions).sort(function (a, b) {
      var x = a.split(".").map(Number), y = b.split(".").map(Number);
      for (var i = 0; i < Math.max(x.length, y.length); i++) {
        if ((x[i] || 0) !== (y[i] || 0)) { return (x[i] || 0) - (y[i] || 0); }
      }
      return 0;
    }).pop();
    return Promise.resolve(versions[best].get()).then(function (factory) { return factory(); });
  }

  function codeLines(source) {
    return source.split("\n").filter(function (line) {
      var text = line.trim();
      return text !== "" && text.charAt(0) !== "#";
    });
  }

  /* The letters the cell's source assigns to `variable` (an array), or null when it assigns something else, or
     holds other code, or nothing yet. */
  function chosenLetters(source, variable, multiple) {
    var lines = codeLines(source);
    if (lines.length !== 1) { return null; }
    var found = new RegExp("^\\s*" + variable + "\\s*=\\s*(.*?)\\s*$").exec(lines[0]);
    if (!found) { return null; }
    var value = found[1];
    var letter = /^(["'])\s*([A-Za-z])\s*\1$/;
    if (!multiple) {
      var one = letter.exec(value);
      return one ? [one[2].toLowerCase()] : null;
    }
    if (value === "set()") { return []; }
    var group = /^[{[(](.*)[}\])]$/.exec(value);
    if (!group) { return null; }
    var items = group[1].split(",").map(function (item) { return item.trim(); }).filter(Boolean);
    var letters = [];
    for (var i = 0; i < items.length; i++) {
      var match = letter.exec(items[i]);
      if (!match) { return null; }
      letters.push(match[2].toLowerCase());
    }
    return letters;
  }

  /* The cell's source with `variable` assigned the letters chosen: the placeholder lines and any earlier
     assignment of it go, every other line stays (the question's comment, anything the student wrote). */
  function sourceWith(source, variable, letters, multiple) {
    var assignment = new RegExp("^\\s*" + variable + "\\s*=");
    var kept = source.split("\n").filter(function (line) {
      return line.trim() !== "" && PLACEHOLDERS.indexOf(line.trim()) < 0 && !assignment.test(line);
    });
    var quoted = letters.slice().sort().map(function (l) { return "\"" + l + "\""; });
    var value = multiple ? (quoted.length ? "{" + quoted.join(", ") + "}" : "set()") : quoted[0];
    kept.push(variable + " = " + value);
    return kept.join("\n");
  }

  function gradeId(cell) {
    var info = cell.model.getMetadata ? cell.model.getMetadata("nbgrader") : null;
    return info && typeof info.grade_id === "string" ? info.grade_id : null;
  }

  function makePlugin(notebookModule, Widget) {
    var INotebookTracker = notebookModule.INotebookTracker;
    var NotebookActions = notebookModule.NotebookActions;
    var controls = new WeakMap();   // answer cell -> its buttons
    var versions = new WeakMap();   // notebook panel -> {course, student, orders: {grade_id: order}}

    function question(panel, checkIndex, kind, variable, letters) {
      var cells = panel.content.widgets;
      for (var i = checkIndex - 1; i >= 0; i--) {
        if (cells[i].model.type === "code") {
          var markdown = [];
          for (var j = i - 1; j >= 0 && cells[j].model.type === "markdown"; j--) { markdown.push(cells[j]); }
          return {answer: cells[i], check: cells[checkIndex], multiple: kind === "s", variable: variable,
                  letters: letters.split(""), id: gradeId(cells[checkIndex]), markdown: markdown};
        }
      }
      return null;
    }

    function show(control) {
      var chosen = chosenLetters(control.q.answer.model.sharedModel.getSource(), control.q.variable,
                                 control.q.multiple);
      control.buttons.forEach(function (button) {
        var on = chosen !== null && chosen.indexOf(button.dataset.letter) >= 0;
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }

    function choose(panel, control, letter) {
      var q = control.q;
      var source = q.answer.model.sharedModel.getSource();
      var chosen = chosenLetters(source, q.variable, q.multiple) || [];
      if (q.multiple) {
        chosen = chosen.indexOf(letter) >= 0 ? chosen.filter(function (l) { return l !== letter; })
                                             : chosen.concat([letter]);
      } else {
        chosen = [letter];
      }
      q.answer.model.sharedModel.setSource(sourceWith(source, q.variable, chosen, q.multiple));
      show(control);
      var toRun = [q.answer, q.check];
      var setup = panel.content.widgets.filter(function (cell) { return gradeId(cell) === "setup"; })[0];
      if (setup && setup.model.executionCount === null) { toRun.unshift(setup); }
      NotebookActions.runCells(panel.content, toRun, panel.sessionContext);
    }

    function attach(panel, q) {
      var existing = controls.get(q.answer);
      if (existing) {
        existing.q = q;
        show(existing);
        return;
      }
      var node = document.createElement("div");
      node.className = "nncourse-quiz";
      node.setAttribute("role", "group");
      node.setAttribute("aria-label", "your answer to " + q.variable.replace(/_answers?$/, "").replace("q", "question "));
      var label = document.createElement("span");
      label.className = "nncourse-quiz-label";
      label.textContent = "Your answer:";
      node.appendChild(label);
      var control = {q: q, buttons: []};
      q.letters.forEach(function (letter) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "nncourse-quiz-option";
        button.dataset.letter = letter;
        button.textContent = letter + ")";
        button.title = q.multiple ? "select or leave out option " + letter : "choose option " + letter;
        button.addEventListener("click", function (event) {
          event.preventDefault();
          choose(panel, control, letter);
        });
        control.buttons.push(button);
        node.appendChild(button);
      });
      var how = document.createElement("span");
      how.className = "nncourse-quiz-how";
      how.textContent = (q.multiple ? "click every option that fits (click again to leave one out)"
                                    : "click one option") +
        (q.own ? "; the options are in your own order, so your letters are not your neighbour's"
               : "; the options are in the notebook's order (no student id here: the course grades this notebook in that order)");
      node.appendChild(how);
      var widget = new Widget({node: node});
      widget.addClass("nncourse-quiz-widget");
      var layout = q.answer.layout;
      var at = layout.widgets.indexOf(q.answer.inputArea ? q.answer.inputArea.parent : null);
      layout.insertWidget(at >= 0 ? at + 1 : layout.widgets.length, widget);
      controls.set(q.answer, control);
      show(control);
    }

    /* The rendered option list of a Markdown cell in the student's order: the item of original option
       order[i] goes to place i, labelled letters[i]. Marked, so that it is done once per rendering. */
    function relabel(cell, letters, order) {
      var node = cell.node.querySelector(".jp-RenderedMarkdown");
      if (!node) { return; }
      var items = Array.prototype.filter.call(node.querySelectorAll("li"), function (li) {
        var first = li.firstElementChild && li.firstElementChild.tagName === "P" ? li.firstElementChild : li;
        var strong = first.firstElementChild;
        return strong && strong.tagName === "STRONG" && /^[a-z]\)$/.test(strong.textContent) &&
               first.textContent.trim().indexOf(strong.textContent) === 0;
      });
      if (!items.length || items[0].parentNode.dataset.nncourseOrder === order) { return; }
      var list = items[0].parentNode, byLetter = {};
      items.forEach(function (li) {
        var strong = (li.firstElementChild.tagName === "P" ? li.firstElementChild : li).firstElementChild;
        var original = li.dataset.nncourseOption || strong.textContent.charAt(0);
        li.dataset.nncourseOption = original;
        byLetter[original] = {li: li, strong: strong};
      });
      if (Object.keys(byLetter).sort().join("") !== order.split("").sort().join("")) { return; }
      list.dataset.nncourseOrder = order;
      letters.forEach(function (letter, i) {
        var item = byLetter[order.charAt(i)];
        item.strong.textContent = letter + ")";
        list.appendChild(item.li);
      });
    }

    function showVersion(q, version) {
      var order = version.orders[q.id];
      if (typeof order !== "string") { return; }
      q.own = Boolean(version.student);
      q.markdown.forEach(function (cell) {
        if (!OPTION_LINE.test(cell.model.sharedModel.getSource())) { return; }
        relabel(cell, q.letters, order);
        if (!cell.nncourseObserved) {   // re-rendered (edited, or scrolled back into view): list it again
          cell.nncourseObserved = true;
          new MutationObserver(function () { relabel(cell, q.letters, order); })
            .observe(cell.node, {childList: true, subtree: true});
        }
      });
    }

    function questions(panel) {
      var cells = panel.content.widgets, found = [];
      for (var i = 0; i < cells.length; i++) {
        if (cells[i].model.type !== "code") { continue; }
        var check = CHECK.exec(cells[i].model.sharedModel.getSource());
        if (!check) { continue; }
        var q = question(panel, i, check[1], check[2], check[3]);
        // the instructor's copy holds the solution in that cell: no buttons that would rewrite it
        if (q && q.id && q.answer.model.sharedModel.getSource().indexOf("### BEGIN SOLUTION") < 0) { found.push(q); }
      }
      return found;
    }

    /* Record in the notebook's metadata whose version was shown (only when it changes). */
    function record(panel, version) {
      var model = panel.content.model;
      var meta = model.getMetadata ? (model.getMetadata("nncourse") || {}) : {};
      var shown = meta[VERSION_KEY] || {};
      if (shown.student === version.student && shown.course === version.course && VERSION_KEY in meta) { return; }
      var updated = JSON.parse(JSON.stringify(meta));
      updated[VERSION_KEY] = {course: version.course, student: version.student};
      model.setMetadata("nncourse", updated);
    }

    /* Ask the kernel (nncourse.quiz_versions.versions) for this session's version of every question. */
    function askVersion(panel, found) {
      var kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
      if (!kernel) { return Promise.resolve(null); }
      var asked = {};
      found.forEach(function (q) { asked[q.id] = q.letters.join(""); });
      var expression = "__import__('nncourse.quiz_versions', fromlist=['versions']).versions(" +
                       JSON.stringify(JSON.stringify(asked)) + ")";
      var future = kernel.requestExecute({code: "", silent: true, store_history: false,
                                          user_expressions: {version: expression}});
      return future.done.then(function (reply) {
        var value = reply.content.user_expressions && reply.content.user_expressions.version;
        if (!value || value.status !== "ok") { return null; }
        return JSON.parse(value.data["text/plain"]);
      });
    }

    function refresh(panel) {
      if (!panel.content || !panel.content.model) { return; }
      var found = questions(panel);
      var version = versions.get(panel);
      if (!found.length) { return; }
      if (!version) {
        if (!panel.nncourseAsking) {
          panel.nncourseAsking = true;
          panel.sessionContext.ready.then(function () { return askVersion(panel, found); }).then(function (got) {
            panel.nncourseAsking = false;
            if (got && got.orders) {
              versions.set(panel, got);
              record(panel, got);
              refresh(panel);
            }
          }, function () { panel.nncourseAsking = false; });
        }
        return;
      }
      found.forEach(function (q) {
        showVersion(q, version);
        attach(panel, q);
      });
    }

    function watch(panel) {
      var pending = false;
      function later() {
        if (pending) { return; }
        pending = true;
        requestAnimationFrame(function () { pending = false; refresh(panel); });
      }
      panel.context.ready.then(function () {
        refresh(panel);
        panel.content.model.contentChanged.connect(later);
        panel.content.model.cells.changed.connect(later);
      });
    }

    return {
      id: NAME + ":choices",
      description: "Quiz questions answered with the mouse: option buttons that write the answer into its cell.",
      autoStart: true,
      requires: [INotebookTracker],
      activate: function (app, tracker) {
        var style = document.createElement("style");
        style.id = NAME + "-style";
        style.textContent = STYLE;
        document.head.appendChild(style);
        tracker.forEach(watch);
        tracker.widgetAdded.connect(function (sender, panel) { watch(panel); });
      }
    };
  }

  var container = {
    init: function (shareScope) { scope = shareScope; },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return Promise.all([shared("@jupyterlab/notebook"), shared("@lumino/widgets")]).then(function (found) {
        var plugin = makePlugin(found[0], found[1].Widget);
        return function () { return {__esModule: true, default: [plugin]}; };
      });
    }
  };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = container;
}());
