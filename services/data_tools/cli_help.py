"""Help texts (epilogs) of the `python manage.py` commands, kept apart so manage.py reads as the adapter it is."""

SCORE_EPILOG = """\
input: one row per respondent, a column per question id of the bank (items and the optional
importance/support questions), values 1..5 or na (also NA, n/a); an empty cell is unanswered.
An optional 'respondent' or 'id' column is carried through to the output; each id may appear in
one row only. Comma, semicolon and tab separated files are accepted; the first row names the columns.
With --form ID the answers are scored as that short form of the bank (its questions, themes and
rules), e.g. --form workshop.

output: one row per respondent with every score (empty when not enough answers were given), the
alignment band, and how many scored items were answered on the scale and how many 'not applicable'.
Rows are scored and written as the file is read, so any size of file fits in memory. When any row
or column has a problem, the problems are listed (the first 100) and nothing is written.

examples:
  python manage.py score answers.csv
  python manage.py score answers.csv --output scores.csv
  python manage.py score workshop.csv --form workshop --output scores.csv
  python manage.py score answers.csv --bank questions/banks/valuematch-1.0.yaml --format json
"""


DEMO_EPILOG = """\
Creates the organisation with 11 teams (headcounts grow with N), 3 interventions, 7 closed survey rounds
over the past 18 months and 1 open round, and N responses with plausible answers, scored and stored as
the app stores them, with the dashboard's tallies. One team has exactly 4 responses in one round, to
show how small groups are withheld. All or nothing: on an error or Ctrl+C nothing is kept. While it
runs, other writers to a SQLite database wait: use a demo database.

examples:
  python manage.py demo-data --responses 2000
  python manage.py demo-data --responses 100000 --seed 7 --organisation "Demo GGZ"
"""


IMPORT_EPILOG = """\
input: one row per respondent with a 'team' column (a team of the organisation invited to the round),
an optional 'role' column (a role id of the question bank, or empty) and a column per question id,
values 1..5 or na, empty = unanswered (the rules of 'manage.py score'). Every row must give enough
answers for the alignment index. Cells are read as plain text, never as formulas.

When any row or column has a problem, every problem is listed and nothing is imported. Rows whose
team, role and answers were imported into the round before are refused by name, also from a file saved
again with other spaces or 4 written as 4.0 (--allow-repeat imports them anyway); a respondent id
given in two rows is an error.

example:
  python manage.py import-responses paper.csv --organisation "GGZ Noord" --round "Spring 2026"
"""


BACKUP_EPILOG = """\
The file holds every table: everyone's answers and scores, accounts with their password hashes, the audit
log. Keep it as safe as the database (it is written readable by its owner only). On SQLite other writers
wait while it runs. Restore into a new database made with init-db by the same ValueMatch version.

The manifest is signed with the backup key (VM_BACKUP_KEY, or the file VM_BACKUP_KEY_FILE made by the
first export, readable by its owner only). import-all refuses a file whose signature is missing or does
not match, unless --accept-unsigned is given and confirmed (--yes for scripts). Keep the key apart
from the backups: whoever has it can sign a backup, and without it no backup can be checked.
"""


PURGE_EPILOG = """\
Deletes responses (answers, scores, workshop entries and their drafts) made before the cut-off, drafts
last saved before it, workshops created before it, survey rounds closed before it that nothing
refers to any more (with their invitation links), respondents with nothing left, failed code lookups and
ended sign-ins. The dashboard's tallies are rebuilt. All or nothing; the audit log keeps the counts.
PERIOD: 365d (days), 26w (weeks), 18m (months) or 2y (years).
"""
