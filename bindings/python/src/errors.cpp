// errors.cpp: the one place where commerce::Error becomes a Python exception and back.
//
// Exception classes are defined in pure Python (commerce_core/_errors.py) so they are ordinary,
// picklable, subclassable Python exceptions; this file picks the class for a code and reason and
// fills in .code, .reason and .subject.
#include <string>

#include "bindings.h"

namespace commerce::python {

namespace {

// The commerce_core._errors module, kept for the life of the process (never destroyed, so no
// Python object is released after interpreter shutdown).
py::object& errors_module() {
  static auto* module = new py::object();
  return *module;
}

const char* class_name(ErrorCode code, Reason reason) {
  switch (code) {
    case ErrorCode::kNotFound:
      return "NotFoundError";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgumentError";
    case ErrorCode::kFailedPrecondition:
      switch (reason) {
        case Reason::kOutOfStock:
          return "OutOfStockError";
        case Reason::kInsufficientPoints:
          return "InsufficientPointsError";
        case Reason::kCouponInvalid:
          return "CouponInvalidError";
        case Reason::kLimitReached:
          return "LimitReachedError";
        case Reason::kIllegalTransition:
          return "IllegalTransitionError";
        case Reason::kInactive:
          return "InactiveError";
        case Reason::kNone:
          return "FailedPreconditionError";
      }
      return "FailedPreconditionError";
    case ErrorCode::kConflict:
      return "ConflictError";
    case ErrorCode::kUnavailable:
      return "UnavailableError";
    case ErrorCode::kInternal:
      return "InternalError";
  }
  return "InternalError";
}

void raise(const Error& error) {
  try {
    py::object cls = errors_module().attr(class_name(error.code(), error.reason()));
    py::dict kwargs;
    kwargs["code"] = py::cast(error.code());
    kwargs["reason"] = py::cast(error.reason());
    kwargs["subject"] = py::str(error.subject());
    py::object exc = cls(py::str(error.what()), **kwargs);
    PyErr_SetObject(cls.ptr(), exc.ptr());
  } catch (py::error_already_set& failure) {
    failure.restore();  // building the exception failed: raise that failure instead
  }
}

}  // namespace

void bind_errors(py::module_& m) {
  errors_module() = py::module_::import("commerce_core._errors");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& error) {
      raise(error);
    }
  });
  m.def(
      "_raise_error",
      [](ErrorCode code, Reason reason, const std::string& subject, const std::string& message) {
        throw Error(code, subject, message, reason);
      },
      py::arg("code"), py::arg("reason"), py::arg("subject"), py::arg("message"),
      "Raises the exception the library raises for this code and reason (for tests).");
}

Error error_from_python(const py::error_already_set& e, ErrorCode fallback,
                        const std::string& subject) {
  const py::handle value = e.value();
  try {
    if (py::isinstance(value, errors_module().attr("CommerceError"))) {
      const auto code = value.attr("code").cast<ErrorCode>();
      const auto reason = value.attr("reason").cast<Reason>();
      auto message = py::str(value.attr("message")).cast<std::string>();
      // Messages of errors that came from C++ start with "Code: "; Error adds it again.
      const std::string prefix = std::string(to_string(code)) + ": ";
      if (message.starts_with(prefix)) message.erase(0, prefix.size());
      return Error(code, value.attr("subject").cast<std::string>(), message, reason);
    }
  } catch (const py::error_already_set&) {
    // a malformed CommerceError: report it like any other Python exception
  } catch (const py::cast_error&) {
  }
  const auto type_name = py::str(py::type::of(value).attr("__qualname__")).cast<std::string>();
  return Error(fallback, subject,
               "Python " + type_name + ": " + py::str(value).cast<std::string>());
}

}  // namespace commerce::python
