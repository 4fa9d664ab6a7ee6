"""The reviews compartment's pages (``incidents``, ``cases``, ``panel``) and the "Review figures" pages (``figures``).

Every page of the compartment answers 404 to anyone outside it; a record's own page is open to people it is shared
with (``open_to_grantees``), and each record shown is written to the access log. Forms that take a review's details
keep their values out of error reports (``sensitive_post_parameters``).
"""
