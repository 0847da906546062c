-- A string left open takes every later line with it, GO lines included:
-- sqlcmd does not split inside a string, so the server gets the rest of
-- the script as one batch and answers 105 and 102.
SELECT name FROM catalog.folders
GO
SELECT name FROM catalog.folders WHERE name = N'Finance
GO
PRINT 'never runs'
GO
