"""TechBridge (科技桥): the platform that runs the 科技人员服务企业 programme end to end."""

__version__ = "0.1.0"
