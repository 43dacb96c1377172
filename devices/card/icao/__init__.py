"""ICAO Doc 9303 eMRTD reading, layered as transport → secure messaging → BAC/PACE → document reader.

Pure parsers of the logical data structure (EF.COM, DG1, DG2, DG13, EF.SOD, EF.CardAccess) live in
`devices.card.icao.lds`; they take bytes and return typed values.
"""
