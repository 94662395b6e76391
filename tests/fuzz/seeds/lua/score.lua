--@score
a:score("ORGS", 1.5, "two orgs"); a:score("MORE", 1)
assert(a:score_total() == 2.5)
assert(a:scores()[1].reason == "two orgs")
a:score("INF", 1/0)
