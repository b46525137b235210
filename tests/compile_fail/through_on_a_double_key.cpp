// expect: AR_HAS_MANY_THROUGH: the primary keys it joins
#include <ar/ar.hpp>

#include <cstdint>

// A target keyed on a double: a through relation joins on integer, text, date, uuid and strong-id
// keys (tests/through/typed_key_through_test.cpp), never on a floating-point one.
struct reading;
struct sensor_reading;
struct sensor {
  std::int64_t id = 0;
  AR_MODEL(sensor, "sensors", AR_FIELDS(id), AR_HAS_MANY_THROUGH(readings, reading, sensor_reading, sensor_id, value));
};
struct reading {
  double value = 0;
  AR_MODEL(reading, "readings", AR_FIELDS(value), AR_PRIMARY_KEY(value), AR_KEY_SUPPLIED);
};
struct sensor_reading {
  std::int64_t id = 0;
  std::int64_t sensor_id = 0;
  double value = 0;
  AR_MODEL(sensor_reading, "sensor_readings", AR_FIELDS(id, sensor_id, value));
};

void read(const sensor& s) { (void)s.readings(); }
