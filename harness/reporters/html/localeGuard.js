// Runs before uPlot, whose first line is `new Intl.NumberFormat(navigator.language)`. A browser
// started under a POSIX locale (LANG=C: Chromium's headless shell, seen) says 'en-US@posix', which
// Intl rejects with a RangeError, and then no chart on the page is drawn. Give the page the nearest
// tag Intl accepts ('en-US@posix' -> 'en-US', 'de_DE.UTF-8' -> 'de-DE'), else 'en-US'.
(function () {
  function accepted(tag) {
    try {
      new Intl.NumberFormat(tag);
      return true;
    } catch {
      return false;
    }
  }
  var lang = navigator.language;
  if (accepted(lang)) return;
  var tag = String(lang || '').split(/[@.]/)[0].replace(/_/g, '-');
  if (!tag || !accepted(tag)) tag = 'en-US';
  Object.defineProperty(navigator, 'language', { value: tag, configurable: true });
})();
