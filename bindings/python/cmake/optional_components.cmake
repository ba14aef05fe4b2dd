# Run at the end of project() when pip builds the Python package (pyproject.toml sets
# CMAKE_PROJECT_INCLUDE), so before the options are declared: turns COMMERCE_WITH_POSTGRES and
# COMMERCE_WITH_KAFKA on when their libraries are installed (Debian libpq-dev, librdkafka-dev)
# and off otherwise, on every configure (so a build tree configured before the libraries were
# installed picks them up), and `pip install .` gives a module that opens postgresql:// stores
# and has KafkaSink wherever it can.
#
# To choose by hand: -Ccmake.define.COMMERCE_PY_AUTO_COMPONENTS=OFF together with
# -Ccmake.define.COMMERCE_WITH_POSTGRES=ON|OFF and -Ccmake.define.COMMERCE_WITH_KAFKA=ON|OFF.
option(COMMERCE_PY_AUTO_COMPONENTS
       "Python package: build the PostgreSQL and Kafka components when their libraries exist" ON)
if(COMMERCE_PY_AUTO_COMPONENTS)
  find_package(PostgreSQL QUIET)
  if(PostgreSQL_FOUND)
    set(_commerce_pg ON)
  else()
    set(_commerce_pg OFF)
  endif()
  find_package(PkgConfig QUIET)
  set(_commerce_kafka OFF)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(_COMMERCE_RDKAFKA QUIET rdkafka)
    if(_COMMERCE_RDKAFKA_FOUND)
      set(_commerce_kafka ON)
    endif()
  endif()
  set(COMMERCE_WITH_POSTGRES ${_commerce_pg} CACHE BOOL
      "Build the PostgreSQL storage adapter (commerce::postgres, libpq)" FORCE)
  set(COMMERCE_WITH_KAFKA ${_commerce_kafka} CACHE BOOL
      "Build the Kafka event sink (commerce::kafka, librdkafka)" FORCE)
  message(STATUS "commerce_core (Python): COMMERCE_WITH_POSTGRES=${_commerce_pg} (libpq), "
                 "COMMERCE_WITH_KAFKA=${_commerce_kafka} (librdkafka)")
endif()
