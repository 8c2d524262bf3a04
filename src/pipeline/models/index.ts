export { Model, type ModelClass, type ModelInstance, type ModelUpdates, type ModelValues } from './model.js';
export {
  BooleanField,
  FieldError,
  FloatField,
  IntegerField,
  JsonField,
  ListField,
  TextField,
  jsonField,
  type Field,
  type FieldValues,
  type Fields,
} from './fields.js';
