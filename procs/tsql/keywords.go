package tsql

// keyword identifies a word the parser knows. Words SQL Server reserves
// come first (kw < firstNonReserved); the rest are ordinary identifiers
// that the parser recognises by position.
type keyword uint16

const (
	kwNone keyword = iota
	kwADD
	kwALL
	kwALTER
	kwAND
	kwANY
	kwAS
	kwASC
	kwAUTHORIZATION
	kwBACKUP
	kwBEGIN
	kwBETWEEN
	kwBREAK
	kwBROWSE
	kwBULK
	kwBY
	kwCASCADE
	kwCASE
	kwCHECK
	kwCHECKPOINT
	kwCLOSE
	kwCLUSTERED
	kwCOALESCE
	kwCOLLATE
	kwCOLUMN
	kwCOMMIT
	kwCOMPUTE
	kwCONSTRAINT
	kwCONTAINS
	kwCONTAINSTABLE
	kwCONTINUE
	kwCONVERT
	kwCREATE
	kwCROSS
	kwCURRENT
	kwCURRENT_DATE
	kwCURRENT_TIME
	kwCURRENT_TIMESTAMP
	kwCURRENT_USER
	kwCURSOR
	kwDATABASE
	kwDBCC
	kwDEALLOCATE
	kwDECLARE
	kwDEFAULT
	kwDELETE
	kwDENY
	kwDESC
	kwDISK
	kwDISTINCT
	kwDISTRIBUTED
	kwDOUBLE
	kwDROP
	kwDUMP
	kwELSE
	kwEND
	kwERRLVL
	kwESCAPE
	kwEXCEPT
	kwEXEC
	kwEXECUTE
	kwEXISTS
	kwEXIT
	kwEXTERNAL
	kwFETCH
	kwFILE
	kwFILLFACTOR
	kwFOR
	kwFOREIGN
	kwFREETEXT
	kwFREETEXTTABLE
	kwFROM
	kwFULL
	kwFUNCTION
	kwGOTO
	kwGRANT
	kwGROUP
	kwHAVING
	kwHOLDLOCK
	kwIDENTITY
	kwIDENTITY_INSERT
	kwIDENTITYCOL
	kwIF
	kwIN
	kwINDEX
	kwINNER
	kwINSERT
	kwINTERSECT
	kwINTO
	kwIS
	kwJOIN
	kwKEY
	kwKILL
	kwLEFT
	kwLIKE
	kwLINENO
	kwLOAD
	kwMERGE
	kwNATIONAL
	kwNOCHECK
	kwNONCLUSTERED
	kwNOT
	kwNULL
	kwNULLIF
	kwOF
	kwOFF
	kwOFFSETS
	kwON
	kwOPEN
	kwOPENDATASOURCE
	kwOPENQUERY
	kwOPENROWSET
	kwOPENXML
	kwOPTION
	kwOR
	kwORDER
	kwOUTER
	kwOVER
	kwPERCENT
	kwPIVOT
	kwPLAN
	kwPRECISION
	kwPRIMARY
	kwPRINT
	kwPROC
	kwPROCEDURE
	kwPUBLIC
	kwRAISERROR
	kwREAD
	kwREADTEXT
	kwRECONFIGURE
	kwREFERENCES
	kwREPLICATION
	kwRESTORE
	kwRESTRICT
	kwRETURN
	kwREVERT
	kwREVOKE
	kwRIGHT
	kwROLLBACK
	kwROWCOUNT
	kwROWGUIDCOL
	kwRULE
	kwSAVE
	kwSCHEMA
	kwSECURITYAUDIT
	kwSELECT
	kwSEMANTICKEYPHRASETABLE
	kwSEMANTICSIMILARITYDETAILSTABLE
	kwSEMANTICSIMILARITYTABLE
	kwSESSION_USER
	kwSET
	kwSETUSER
	kwSHUTDOWN
	kwSOME
	kwSTATISTICS
	kwSYSTEM_USER
	kwTABLE
	kwTABLESAMPLE
	kwTEXTSIZE
	kwTHEN
	kwTO
	kwTOP
	kwTRAN
	kwTRANSACTION
	kwTRIGGER
	kwTRUNCATE
	kwTRY_CONVERT
	kwTSEQUAL
	kwUNION
	kwUNIQUE
	kwUNPIVOT
	kwUPDATE
	kwUPDATETEXT
	kwUSE
	kwUSER
	kwVALUES
	kwVARYING
	kwVIEW
	kwWAITFOR
	kwWHEN
	kwWHERE
	kwWHILE
	kwWITH
	kwWRITETEXT
	kwABSENT
	kwABSOLUTE
	kwAPPLY
	kwAUTO
	kwBOTH
	kwCALLER
	kwCAST
	kwCATCH
	kwCOOKIE
	kwCREDENTIAL
	kwCUBE
	kwDELAY
	kwDISABLE
	kwDYNAMIC
	kwELEMENTS
	kwENABLE
	kwEXPLICIT
	kwFAST_FORWARD
	kwFIRST
	kwFOLLOWING
	kwFORMAT
	kwFORWARD_ONLY
	kwGLOBAL
	kwGO
	kwINCLUDE
	kwINCLUDE_NULL_VALUES
	kwINSENSITIVE
	kwISOLATION
	kwJSON
	kwKEYSET
	kwLAST
	kwLEADING
	kwLEVEL
	kwLOCAL
	kwLOG
	kwLOGIN
	kwMARK
	kwMAX
	kwMEMBER
	kwNAME
	kwNEXT
	kwNO
	kwNOWAIT
	kwOFFSET
	kwONLY
	kwOPTIMISTIC
	kwOUT
	kwOUTPUT
	kwOWNER
	kwPARSE
	kwPARTITION
	kwPASSWORD
	kwPATH
	kwPERSISTED
	kwPRECEDING
	kwPRIOR
	kwRANGE
	kwRAW
	kwREADONLY
	kwREAD_ONLY
	kwRECOMPILE
	kwRELATIVE
	kwROLE
	kwROLLUP
	kwROOT
	kwROW
	kwROWS
	kwSCROLL
	kwSCROLL_LOCKS
	kwSELF
	kwSERVER
	kwSETERROR
	kwSPARSE
	kwSTATIC
	kwSYSTEM_TIME
	kwTHROW
	kwTIES
	kwTIME
	kwTRAILING
	kwTRY
	kwTRY_CAST
	kwTRY_PARSE
	kwTYPE
	kwTYPE_WARNING
	kwUNBOUNDED
	kwUSING
	kwVALUE
	kwWINDOW
	kwWINDOWS
	kwWITHIN
	kwWITHOUT
	kwWORK
	kwXML
	kwXSINIL
)

// firstNonReserved is the first keyword that SQL Server does not reserve.
const firstNonReserved = kwABSENT

var keywordNames = [...]string{
	kwNone:                           "",
	kwADD:                            "ADD",
	kwALL:                            "ALL",
	kwALTER:                          "ALTER",
	kwAND:                            "AND",
	kwANY:                            "ANY",
	kwAS:                             "AS",
	kwASC:                            "ASC",
	kwAUTHORIZATION:                  "AUTHORIZATION",
	kwBACKUP:                         "BACKUP",
	kwBEGIN:                          "BEGIN",
	kwBETWEEN:                        "BETWEEN",
	kwBREAK:                          "BREAK",
	kwBROWSE:                         "BROWSE",
	kwBULK:                           "BULK",
	kwBY:                             "BY",
	kwCASCADE:                        "CASCADE",
	kwCASE:                           "CASE",
	kwCHECK:                          "CHECK",
	kwCHECKPOINT:                     "CHECKPOINT",
	kwCLOSE:                          "CLOSE",
	kwCLUSTERED:                      "CLUSTERED",
	kwCOALESCE:                       "COALESCE",
	kwCOLLATE:                        "COLLATE",
	kwCOLUMN:                         "COLUMN",
	kwCOMMIT:                         "COMMIT",
	kwCOMPUTE:                        "COMPUTE",
	kwCONSTRAINT:                     "CONSTRAINT",
	kwCONTAINS:                       "CONTAINS",
	kwCONTAINSTABLE:                  "CONTAINSTABLE",
	kwCONTINUE:                       "CONTINUE",
	kwCONVERT:                        "CONVERT",
	kwCREATE:                         "CREATE",
	kwCROSS:                          "CROSS",
	kwCURRENT:                        "CURRENT",
	kwCURRENT_DATE:                   "CURRENT_DATE",
	kwCURRENT_TIME:                   "CURRENT_TIME",
	kwCURRENT_TIMESTAMP:              "CURRENT_TIMESTAMP",
	kwCURRENT_USER:                   "CURRENT_USER",
	kwCURSOR:                         "CURSOR",
	kwDATABASE:                       "DATABASE",
	kwDBCC:                           "DBCC",
	kwDEALLOCATE:                     "DEALLOCATE",
	kwDECLARE:                        "DECLARE",
	kwDEFAULT:                        "DEFAULT",
	kwDELETE:                         "DELETE",
	kwDENY:                           "DENY",
	kwDESC:                           "DESC",
	kwDISK:                           "DISK",
	kwDISTINCT:                       "DISTINCT",
	kwDISTRIBUTED:                    "DISTRIBUTED",
	kwDOUBLE:                         "DOUBLE",
	kwDROP:                           "DROP",
	kwDUMP:                           "DUMP",
	kwELSE:                           "ELSE",
	kwEND:                            "END",
	kwERRLVL:                         "ERRLVL",
	kwESCAPE:                         "ESCAPE",
	kwEXCEPT:                         "EXCEPT",
	kwEXEC:                           "EXEC",
	kwEXECUTE:                        "EXECUTE",
	kwEXISTS:                         "EXISTS",
	kwEXIT:                           "EXIT",
	kwEXTERNAL:                       "EXTERNAL",
	kwFETCH:                          "FETCH",
	kwFILE:                           "FILE",
	kwFILLFACTOR:                     "FILLFACTOR",
	kwFOR:                            "FOR",
	kwFOREIGN:                        "FOREIGN",
	kwFREETEXT:                       "FREETEXT",
	kwFREETEXTTABLE:                  "FREETEXTTABLE",
	kwFROM:                           "FROM",
	kwFULL:                           "FULL",
	kwFUNCTION:                       "FUNCTION",
	kwGOTO:                           "GOTO",
	kwGRANT:                          "GRANT",
	kwGROUP:                          "GROUP",
	kwHAVING:                         "HAVING",
	kwHOLDLOCK:                       "HOLDLOCK",
	kwIDENTITY:                       "IDENTITY",
	kwIDENTITY_INSERT:                "IDENTITY_INSERT",
	kwIDENTITYCOL:                    "IDENTITYCOL",
	kwIF:                             "IF",
	kwIN:                             "IN",
	kwINDEX:                          "INDEX",
	kwINNER:                          "INNER",
	kwINSERT:                         "INSERT",
	kwINTERSECT:                      "INTERSECT",
	kwINTO:                           "INTO",
	kwIS:                             "IS",
	kwJOIN:                           "JOIN",
	kwKEY:                            "KEY",
	kwKILL:                           "KILL",
	kwLEFT:                           "LEFT",
	kwLIKE:                           "LIKE",
	kwLINENO:                         "LINENO",
	kwLOAD:                           "LOAD",
	kwMERGE:                          "MERGE",
	kwNATIONAL:                       "NATIONAL",
	kwNOCHECK:                        "NOCHECK",
	kwNONCLUSTERED:                   "NONCLUSTERED",
	kwNOT:                            "NOT",
	kwNULL:                           "NULL",
	kwNULLIF:                         "NULLIF",
	kwOF:                             "OF",
	kwOFF:                            "OFF",
	kwOFFSETS:                        "OFFSETS",
	kwON:                             "ON",
	kwOPEN:                           "OPEN",
	kwOPENDATASOURCE:                 "OPENDATASOURCE",
	kwOPENQUERY:                      "OPENQUERY",
	kwOPENROWSET:                     "OPENROWSET",
	kwOPENXML:                        "OPENXML",
	kwOPTION:                         "OPTION",
	kwOR:                             "OR",
	kwORDER:                          "ORDER",
	kwOUTER:                          "OUTER",
	kwOVER:                           "OVER",
	kwPERCENT:                        "PERCENT",
	kwPIVOT:                          "PIVOT",
	kwPLAN:                           "PLAN",
	kwPRECISION:                      "PRECISION",
	kwPRIMARY:                        "PRIMARY",
	kwPRINT:                          "PRINT",
	kwPROC:                           "PROC",
	kwPROCEDURE:                      "PROCEDURE",
	kwPUBLIC:                         "PUBLIC",
	kwRAISERROR:                      "RAISERROR",
	kwREAD:                           "READ",
	kwREADTEXT:                       "READTEXT",
	kwRECONFIGURE:                    "RECONFIGURE",
	kwREFERENCES:                     "REFERENCES",
	kwREPLICATION:                    "REPLICATION",
	kwRESTORE:                        "RESTORE",
	kwRESTRICT:                       "RESTRICT",
	kwRETURN:                         "RETURN",
	kwREVERT:                         "REVERT",
	kwREVOKE:                         "REVOKE",
	kwRIGHT:                          "RIGHT",
	kwROLLBACK:                       "ROLLBACK",
	kwROWCOUNT:                       "ROWCOUNT",
	kwROWGUIDCOL:                     "ROWGUIDCOL",
	kwRULE:                           "RULE",
	kwSAVE:                           "SAVE",
	kwSCHEMA:                         "SCHEMA",
	kwSECURITYAUDIT:                  "SECURITYAUDIT",
	kwSELECT:                         "SELECT",
	kwSEMANTICKEYPHRASETABLE:         "SEMANTICKEYPHRASETABLE",
	kwSEMANTICSIMILARITYDETAILSTABLE: "SEMANTICSIMILARITYDETAILSTABLE",
	kwSEMANTICSIMILARITYTABLE:        "SEMANTICSIMILARITYTABLE",
	kwSESSION_USER:                   "SESSION_USER",
	kwSET:                            "SET",
	kwSETUSER:                        "SETUSER",
	kwSHUTDOWN:                       "SHUTDOWN",
	kwSOME:                           "SOME",
	kwSTATISTICS:                     "STATISTICS",
	kwSYSTEM_USER:                    "SYSTEM_USER",
	kwTABLE:                          "TABLE",
	kwTABLESAMPLE:                    "TABLESAMPLE",
	kwTEXTSIZE:                       "TEXTSIZE",
	kwTHEN:                           "THEN",
	kwTO:                             "TO",
	kwTOP:                            "TOP",
	kwTRAN:                           "TRAN",
	kwTRANSACTION:                    "TRANSACTION",
	kwTRIGGER:                        "TRIGGER",
	kwTRUNCATE:                       "TRUNCATE",
	kwTRY_CONVERT:                    "TRY_CONVERT",
	kwTSEQUAL:                        "TSEQUAL",
	kwUNION:                          "UNION",
	kwUNIQUE:                         "UNIQUE",
	kwUNPIVOT:                        "UNPIVOT",
	kwUPDATE:                         "UPDATE",
	kwUPDATETEXT:                     "UPDATETEXT",
	kwUSE:                            "USE",
	kwUSER:                           "USER",
	kwVALUES:                         "VALUES",
	kwVARYING:                        "VARYING",
	kwVIEW:                           "VIEW",
	kwWAITFOR:                        "WAITFOR",
	kwWHEN:                           "WHEN",
	kwWHERE:                          "WHERE",
	kwWHILE:                          "WHILE",
	kwWITH:                           "WITH",
	kwWRITETEXT:                      "WRITETEXT",
	kwABSENT:                         "ABSENT",
	kwABSOLUTE:                       "ABSOLUTE",
	kwAPPLY:                          "APPLY",
	kwAUTO:                           "AUTO",
	kwBOTH:                           "BOTH",
	kwCALLER:                         "CALLER",
	kwCAST:                           "CAST",
	kwCATCH:                          "CATCH",
	kwCOOKIE:                         "COOKIE",
	kwCREDENTIAL:                     "CREDENTIAL",
	kwCUBE:                           "CUBE",
	kwDELAY:                          "DELAY",
	kwDISABLE:                        "DISABLE",
	kwDYNAMIC:                        "DYNAMIC",
	kwELEMENTS:                       "ELEMENTS",
	kwENABLE:                         "ENABLE",
	kwEXPLICIT:                       "EXPLICIT",
	kwFAST_FORWARD:                   "FAST_FORWARD",
	kwFIRST:                          "FIRST",
	kwFOLLOWING:                      "FOLLOWING",
	kwFORMAT:                         "FORMAT",
	kwFORWARD_ONLY:                   "FORWARD_ONLY",
	kwGLOBAL:                         "GLOBAL",
	kwGO:                             "GO",
	kwINCLUDE:                        "INCLUDE",
	kwINCLUDE_NULL_VALUES:            "INCLUDE_NULL_VALUES",
	kwINSENSITIVE:                    "INSENSITIVE",
	kwISOLATION:                      "ISOLATION",
	kwJSON:                           "JSON",
	kwKEYSET:                         "KEYSET",
	kwLAST:                           "LAST",
	kwLEADING:                        "LEADING",
	kwLEVEL:                          "LEVEL",
	kwLOCAL:                          "LOCAL",
	kwLOG:                            "LOG",
	kwLOGIN:                          "LOGIN",
	kwMARK:                           "MARK",
	kwMAX:                            "MAX",
	kwMEMBER:                         "MEMBER",
	kwNAME:                           "NAME",
	kwNEXT:                           "NEXT",
	kwNO:                             "NO",
	kwNOWAIT:                         "NOWAIT",
	kwOFFSET:                         "OFFSET",
	kwONLY:                           "ONLY",
	kwOPTIMISTIC:                     "OPTIMISTIC",
	kwOUT:                            "OUT",
	kwOUTPUT:                         "OUTPUT",
	kwOWNER:                          "OWNER",
	kwPARSE:                          "PARSE",
	kwPARTITION:                      "PARTITION",
	kwPASSWORD:                       "PASSWORD",
	kwPATH:                           "PATH",
	kwPERSISTED:                      "PERSISTED",
	kwPRECEDING:                      "PRECEDING",
	kwPRIOR:                          "PRIOR",
	kwRANGE:                          "RANGE",
	kwRAW:                            "RAW",
	kwREADONLY:                       "READONLY",
	kwREAD_ONLY:                      "READ_ONLY",
	kwRECOMPILE:                      "RECOMPILE",
	kwRELATIVE:                       "RELATIVE",
	kwROLE:                           "ROLE",
	kwROLLUP:                         "ROLLUP",
	kwROOT:                           "ROOT",
	kwROW:                            "ROW",
	kwROWS:                           "ROWS",
	kwSCROLL:                         "SCROLL",
	kwSCROLL_LOCKS:                   "SCROLL_LOCKS",
	kwSELF:                           "SELF",
	kwSERVER:                         "SERVER",
	kwSETERROR:                       "SETERROR",
	kwSPARSE:                         "SPARSE",
	kwSTATIC:                         "STATIC",
	kwSYSTEM_TIME:                    "SYSTEM_TIME",
	kwTHROW:                          "THROW",
	kwTIES:                           "TIES",
	kwTIME:                           "TIME",
	kwTRAILING:                       "TRAILING",
	kwTRY:                            "TRY",
	kwTRY_CAST:                       "TRY_CAST",
	kwTRY_PARSE:                      "TRY_PARSE",
	kwTYPE:                           "TYPE",
	kwTYPE_WARNING:                   "TYPE_WARNING",
	kwUNBOUNDED:                      "UNBOUNDED",
	kwUSING:                          "USING",
	kwVALUE:                          "VALUE",
	kwWINDOW:                         "WINDOW",
	kwWINDOWS:                        "WINDOWS",
	kwWITHIN:                         "WITHIN",
	kwWITHOUT:                        "WITHOUT",
	kwWORK:                           "WORK",
	kwXML:                            "XML",
	kwXSINIL:                         "XSINIL",
}

// maxKeywordLen bounds the words worth looking up.
const maxKeywordLen = 30

// keywordBuckets holds the keywords by length and first letter, so that a
// lookup compares a word with a handful of candidates and never hashes.
var keywordBuckets = func() (b [maxKeywordLen + 1][26][]keyword) {
	for k, name := range keywordNames {
		if name == "" {
			continue
		}
		b[len(name)][name[0]-'A'] = append(b[len(name)][name[0]-'A'], keyword(k))
	}
	return b
}()

// reserved reports whether SQL Server reserves the keyword, which decides
// between Msg 156 and Msg 102 for a syntax error at it.
func (k keyword) reserved() bool { return k != kwNone && k < firstNonReserved }

func (k keyword) String() string {
	if int(k) < len(keywordNames) {
		return keywordNames[k]
	}
	return "?"
}

// lookupKeyword returns the keyword spelled by word, case-insensitively,
// without allocating.
func lookupKeyword(word string) keyword {
	n := len(word)
	if n < 2 || n > maxKeywordLen {
		return kwNone
	}
	c := word[0] &^ 0x20 // ASCII upper case
	if c < 'A' || c > 'Z' {
		return kwNone
	}
	for _, k := range keywordBuckets[n][c-'A'] {
		if equalFoldUpper(word, keywordNames[k]) {
			return k
		}
	}
	return kwNone
}

// equalFoldUpper reports whether word equals upper, an upper-case ASCII
// keyword, ignoring ASCII case.
func equalFoldUpper(word, upper string) bool {
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}
