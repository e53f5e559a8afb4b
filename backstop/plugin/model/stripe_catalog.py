"""Stripe products and prices in the desired state."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from backstop.plugin.model.common import HttpUrl, Key, Strict

MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\[\]]+$")]
MetadataValue = Annotated[str, StringConstraints(max_length=500)]
Metadata = Annotated[dict[MetadataKey, MetadataValue], Field(max_length=50)]
ProductId = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_-]+$")]
LookupKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Currency = Annotated[str, StringConstraints(pattern=r"^[a-z]{3}$")]

# Stripe's presentment currencies (docs.stripe.com/currencies).
CURRENCIES = frozenset(
    "aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf "
    "chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg "
    "huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk "
    "mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub "
    "rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx usd uyu uzs vnd "
    "vuv wst xaf xcd xof xpf yer zar zmw".split()
)
MAX_INTERVALS = {"day": 1095, "week": 156, "month": 36, "year": 3}


class ProductFields(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    description: Annotated[str, StringConstraints(max_length=40000)] | None = None
    active: bool = True
    statement_descriptor: Annotated[str, StringConstraints(max_length=22)] | None = None
    unit_label: Annotated[str, StringConstraints(max_length=12)] | None = None
    url: HttpUrl | None = None
    tax_code: str | None = None
    metadata: Metadata = Field(default_factory=dict)


class ProductSpec(ProductFields):
    """What `backstop:stripe:Product` takes. `product_id` is Stripe's custom product id, the natural key."""

    product_id: ProductId


class Recurring(Strict):
    interval: Literal["day", "week", "month", "year"]
    interval_count: int = Field(default=1, ge=1)
    usage_type: Literal["licensed", "metered"] = "licensed"
    meter: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    """In the document, the key of a meter of `stripe.meters`; in a `backstop:stripe:Price`, its id."""

    @model_validator(mode="after")
    def _at_most_three_years(self) -> Recurring:
        if self.interval_count > MAX_INTERVALS[self.interval]:
            raise ValueError(
                f"interval_count: at most {MAX_INTERVALS[self.interval]} for {self.interval}s (3 years)"
            )
        if (self.usage_type == "metered") != (self.meter is not None):
            raise ValueError(
                "a metered price needs a meter (recurring.meter), and only a metered price takes one"
            )
        return self


class PriceFields(Strict):
    """A price as declared under its product; the lookup key is its natural key."""

    lookup_key: LookupKey
    currency: Currency
    unit_amount: int = Field(ge=0, le=99_999_999_999)
    recurring: Recurring | None = None
    tax_behavior: Literal["inclusive", "exclusive", "unspecified"] = "unspecified"
    nickname: str | None = None
    active: bool = True
    metadata: Metadata = Field(default_factory=dict)

    @field_validator("currency")
    @classmethod
    def _supported(cls, currency: str) -> str:
        if currency not in CURRENCIES:
            raise ValueError(f"{currency!r} is not a currency Stripe supports (lowercase ISO 4217 code)")
        return currency


class PriceSpec(PriceFields):
    """What `backstop:stripe:Price` takes: the fields, its product, and whether it is the default."""

    product: ProductId
    is_default: bool = False


class Price(PriceFields):
    key: Key
    default: bool = False


class Product(ProductFields):
    key: Key
    id: ProductId
    prices: list[Price] = Field(default_factory=list)

    @field_validator("prices")
    @classmethod
    def _one_default(cls, prices: list[Price]) -> list[Price]:
        defaults = [p.key for p in prices if p.default]
        if len(defaults) > 1:
            raise ValueError(f"at most one default price per product, not {', '.join(defaults)}")
        inactive = [p.key for p in prices if p.default and not p.active]
        if inactive:
            raise ValueError(f"the default price {inactive[0]} can't be archived (active: false)")
        return prices

    def spec(self) -> ProductSpec:
        return ProductSpec(product_id=self.id, **self.model_dump(include=set(ProductFields.model_fields)))

    def price_spec(self, price: Price, meter_id: str | None = None) -> PriceSpec:
        """The price's inputs; `meter_id` is the live id of the meter its `recurring.meter` names."""
        fields = price.model_dump(exclude={"key", "default"})
        if fields.get("recurring") and meter_id is not None:
            fields["recurring"]["meter"] = meter_id
        return PriceSpec(product=self.id, is_default=price.default, **fields)
