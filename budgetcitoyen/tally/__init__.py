"""The counting engine: plain data in, plain data out, no Django.

``model`` holds the data types and the one tie order, ``rules`` the allocation rules (greedy,
greedy-no-skip, envelopes, mes, mes-add1), ``registry`` declares each rule once and runs it,
``trace`` lists the events a count explains itself with and renders them, ``output`` writes an
outcome as JSON data or a French table. Amounts are ``Fraction``s: no outcome ever depends on
floating-point rounding.
"""
