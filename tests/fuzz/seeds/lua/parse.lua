--@parse
a:title("Neuer Titel"); a:body("Neuer Text \xff"); a:lang("en")
a:url(nil)
