# Turns a text file into a C string literal (for #include), at build time.
file(READ "${IN}" content)
string(REPLACE "\\" "\\\\" content "${content}")
string(REPLACE "\"" "\\\"" content "${content}")
# "??" followed by certain characters is a trigraph in C17: keep every ? a ?.
string(REPLACE "?" "\\?" content "${content}")
string(REPLACE "\n" "\\n\"\n\"" content "${content}")
file(WRITE "${OUT}" "\"${content}\"\n")
