--@archive
return "duplicate"
