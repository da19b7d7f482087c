// The theme toggle. Loaded in <head> so that a saved choice applies before
// the first paint; without JavaScript the page follows the system's
// preference and the button stays hidden.
(function () {
	"use strict";
	var root = document.documentElement;
	var KEY = "inception-guide-theme";

	function saved() {
		try { return localStorage.getItem(KEY); } catch (e) { return null; }
	}
	function save(value) {
		try { localStorage.setItem(KEY, value); } catch (e) { /* private mode */ }
	}
	function current() {
		var t = root.getAttribute("data-theme");
		if (t === "light" || t === "dark") return t;
		return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
	}

	var s = saved();
	if (s === "light" || s === "dark") root.setAttribute("data-theme", s);

	document.addEventListener("DOMContentLoaded", function () {
		var button = document.querySelector("button.theme");
		if (!button) return;
		function label() {
			var next = current() === "dark" ? "light" : "dark";
			button.setAttribute("aria-label", "Switch to the " + next + " theme");
			button.title = "Switch to the " + next + " theme";
		}
		button.hidden = false;
		label();
		button.addEventListener("click", function () {
			var next = current() === "dark" ? "light" : "dark";
			root.setAttribute("data-theme", next);
			save(next);
			label();
		});
	});
})();
