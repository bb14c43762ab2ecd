"""Records: the 19 shared databases. Each record stays the property of the agency and country
that entered it; the owner alone changes it and decides who sees it."""
