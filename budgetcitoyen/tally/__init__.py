"""The counting engine: plain data in, plain data out, no Django.

``model`` holds the data types, ``rules`` the allocation rules (greedy, greedy-no-skip,
pas-de-calais, mes, mes-add1) with their French trace. Amounts are ``Fraction``s: no outcome
ever depends on floating-point rounding.
"""
