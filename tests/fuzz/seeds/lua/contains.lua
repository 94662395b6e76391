assert(a:contains('SCHLIESSEN') and a:contains('Schließen') and a:contains('LÜCKE'))
assert(a:contains_word('intel') and not a:contains_word('KI-Fort'))
assert(a:contains('') and not a:contains('Nvidia'))
