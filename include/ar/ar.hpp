#ifndef AR_AR_HPP
#define AR_AR_HPP

// Everything ar offers, in one include.

#include <ar/callbacks.hpp>
#include <ar/crud.hpp>
#include <ar/database.hpp>
#include <ar/enum.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/error.hpp>
#include <ar/expr.hpp>
#include <ar/loading.hpp>
#include <ar/model.hpp>
#include <ar/morph.hpp>
#include <ar/observe.hpp>
#include <ar/query.hpp>
#include <ar/relation.hpp>
#include <ar/schema.hpp>
#include <ar/sql.hpp>
#include <ar/stream.hpp>
#include <ar/through.hpp>
#include <ar/transaction.hpp>
#include <ar/tree.hpp>
#include <ar/validation.hpp>
#include <ar/validators.hpp>
#include <ar/value.hpp>
#include <ar/verify_schema.hpp>
#include <ar/views.hpp>

#endif  // AR_AR_HPP
