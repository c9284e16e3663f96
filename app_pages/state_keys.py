"""Every st.session_state key the pages keep between runs, named once (app_pages/paths.py does the same for
page files). Keys given to a widget (key="...") stay where the widget is drawn, unless another file reads
them. Cookie names are not here: they live with the code that writes the cookie.
"""

from __future__ import annotations

# --- every page (app_pages/shell.py) --------------------------------------------------------------------
LANG = "vm_lang"  # the language shown: "en" or "nl"
LANG_WARNING = "vm_lang_warning"  # an unknown ?lang= code from the link, said once
DEVICE = "vm_device"  # this browser's device key (also in the vm_device cookie)
LINKS = "vm_links"  # markers of the team links this browser started answering through
OWNED_RESULTS = "vm_owned_results"  # response ids this session may show (submitted here or resumed)
RESUME_CODE = "vm_resume_code"  # the resume code typed in this session
INVITE = "vm_invite"  # the team invitation token of this visit (?invite=...)
PREPARED_FILES = "vm_prepared_files"  # {download key: prepared_files.PreparedFile, or why it was not made}

# --- answering (app_pages/respond/) ---------------------------------------------------------------------
DRAFT = "vm_draft"  # the token of the draft being answered (also ?draft=...)
SAVED_DRAFT = "vm_saved_draft"  # the DraftView a callback just saved, drawn by the same run
NEW_CODE = "vm_new_code"  # the resume code issued when the draft was opened, shown once
UNSAVED_ANSWERS = "vm_unsaved_answers"  # answers given while the database was away, sent with the next save
SHOWN_ANSWERS = "vm_shown_answers"  # (draft token, {item: choice the page last showed})
STEP_OPENED = "vm_step_opened"  # (draft token, step, time.monotonic()) of the last Next or Back
MISSING = "vm_missing"  # item ids a submit found unanswered
TRY_AGAIN = "vm_try_again"  # True: the database was away, say so and offer to try again
SAVE_ERROR = "vm_save_error"  # the draft token whose last save was refused, said once on that draft
SCROLL_TOP = "vm_scroll_top"  # True: a step changed, scroll the page to its top
SCROLL_TO = "vm_scroll_to"  # the item "Go to step" brings into view
DEVICE_ANSWER = "vm_device_answer"  # (link marker, "someone_else" | "same") on a browser that answered before
NOT_COUNTED = "vm_not_counted"  # (draft token, why it does not count for the team)
NEAR_INTERVENTION = "vm_near_intervention"  # (typed name, the known name it probably means): "Did you mean?"
WORKSHOP_CODE = "vm_workshop_code"  # the code of the workshop joined in this session

# --- results (app_pages/results/, app_pages/respond/keep_way_back.py) -----------------------------------
RESULT_ID = "vm_result_id"  # the response the results page shows
LATE = "vm_late"  # why the last response does not count for its team, or None
WORKSHOP_LATE = "vm_workshop_late"  # True: the last response came after its workshop closed
WORKSHOP_ROUND_TOLD = "vm_workshop_round_told"  # (code, round): the new round a toast announced
PASS = "vm_pass"  # (pass, when it ends) while this device remembers the results
PASS_DROPPED = "vm_pass_dropped"  # a pass forgotten or found ended: its cookie is deleted
PASS_ENDED = "vm_pass_ended"  # True: say once that the remembered day is over
PASS_FORGOTTEN = "vm_pass_forgotten"  # True: say once that "Forget now" worked

# --- staff (app_pages/staff.py, admin and workshop pages) ----------------------------------------------
AUTH_TOKEN = "vm_auth_token"  # the staff session token (only its hash is stored)
STAFF_COOKIE_WRITE = "vm_staff_cookie_write"  # a token to store in the sign-in cookie, or "" to clear it
STAFF_COOKIE_DROPPED = "vm_staff_cookie_dropped"  # the cookie this session signed out of (still sent until reload)
STAFF_NOTICE = "vm_staff_notice"  # (kind, string key, values): a message for the next staff page
ADMIN_LAST_DONE = "admin-last-done"  # (form and its values, time, message) of the last admin form done
ADMIN_TURN = "admin-turn"  # a lock: this session's admin submissions one at a time
ADMIN_REFUSAL = "admin-refusal"  # (form, string key, values): why an admin form was refused, said once
ROUND_LINKS = "round-links"  # (organisation id, round name, [(team, token), ...]) until hidden
WORKSHOP_TOGGLE = "ws-last-toggle"  # (session id, control, time) of the last open/close on the screen
WORKSHOP_ERROR = "ws-error"  # why the last workshop screen action failed, said once
WORKSHOP_FILES = "ws-files"  # the export files made on a workshop's screen (screen.MadeFiles), or why not
PLAN_FORMS = "plan-forms"  # {form name: n}: a plan form's widgets carry n; a success counts it on
PLAN_SEEN = "plan-seen"  # {action id: version} the open edit form of that action started from
PLAN_LINKS = "plan-links"  # (round name, [(team, token), ...]) of a follow-up just started
