"""The supervision area (执法监督): findings, rates, rankings, scores, bulletins, recommendations.

Parts:
- ``records``: database rows -> the pure rules' records (UTC -> local time here only);
- ``evaluate``: the set-wise SQL form of each rule, and the pure reference evaluation;
- ``config``: the bureau's rule configuration (``DATA_DIR/supervision.toml``);
- ``operations``: writes — recording findings (system close / reopen), state changes,
  recommendations and replies, bulletins (``verb_noun(actor, ...)``, flush only);
- ``queries``: reads — rates and rankings in SQL, open findings, scores and summaries;
- ``bulletins``: bulletin content, rendered as PDF (``render_pdf``) and workbook (``render_xlsx``);
- ``views`` / ``blueprint`` / ``commands``: the browser pages and ``ecase check`` / ``ecase bulletin``.
"""
