"""Reports out of the store: goAML STR XML for the FIU and a self-contained HTML case report.

``case.load_case`` gathers the chosen alerts and their evidence payments once;
``goaml`` and ``html`` each turn that case into one document.
"""
