// @ts-check
// Roundcube, self-hosted on any origin: no content script runs there (that
// would need access to every site). The toolbar button grants access to the
// one tab it is clicked in (activeTab), and the popup injects the detector.
//
// DOM facts: "More → View source" opens ?_task=mail&_action=viewsource&_uid=…,
// a page showing the raw message in a <pre> (or as plain text).

/**
 * True for a Roundcube source view.
 * @param {string} url
 */
export function isRoundcubeSourceView(url) {
  try {
    const params = new URL(url).searchParams;
    return params.get('_task') === 'mail' && params.get('_action') === 'viewsource';
  } catch {
    return false;
  }
}
