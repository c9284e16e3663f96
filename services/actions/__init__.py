"""Action plans: what an organisation agreed to do about its results, suggestions to start from, and follow-up
rounds to see what changed. rules.py (pure), rows.py (what is shown, who sees it), plan.py (the plan's use
cases), follow_up.py (follow-up rounds), suggestions.py (implementation strategies from
questions/strategies/), reading.py (for the dashboard and History), for_professionals.py
(what History shows a professional), promotion.py (workshop actions into the plan), files.py (CSV and XLSX of the plan)."""
