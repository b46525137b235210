#ifndef AR_VIEWS_HPP
#define AR_VIEWS_HPP

// Every query adaptor.

#include <ar/views/after.hpp>
#include <ar/views/correlate.hpp>
#include <ar/views/aggregate.hpp>
#include <ar/views/delete_all.hpp>
#include <ar/views/distinct.hpp>
#include <ar/views/drop.hpp>
#include <ar/views/filter.hpp>
#include <ar/views/first.hpp>
#include <ar/views/group_by.hpp>
#include <ar/views/joins.hpp>
#include <ar/views/order_by.hpp>
#include <ar/views/page.hpp>
#include <ar/views/select.hpp>
#include <ar/views/take.hpp>
#include <ar/views/timeout.hpp>
#include <ar/views/to_vector.hpp>
#include <ar/views/update_all.hpp>
#include <ar/views/where_has.hpp>

#endif  // AR_VIEWS_HPP
