# The JSON-stat decoder's sources, compiled into every target that uses it
# (the jsonstat, statbank and eurostat collectors, pejlctl, tests, fuzzers,
# bench) as csv_parse.c is into the csv collector. Link PkgConfig::JANSSON
# and m. Usage: include(${CMAKE_SOURCE_DIR}/collectors/jsonstat/jsonstat_sources.cmake)
set(PEJL_JSONSTAT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/jsonstat_decode.c
  ${CMAKE_CURRENT_LIST_DIR}/jsonstat_cells.c
  ${CMAKE_CURRENT_LIST_DIR}/jsonstat_scan.c
  ${CMAKE_CURRENT_LIST_DIR}/jsonstat_select.c
  ${CMAKE_CURRENT_LIST_DIR}/../common/decode_budget.c)
